package io.impetus.shard;

import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.impetus.proto.HeartbeatReply;
import io.impetus.proto.HeartbeatRequest;
import io.impetus.proto.InitializeChunk;
import io.impetus.proto.InitializeReply;
import io.impetus.proto.JoinReply;
import io.impetus.proto.JoinRequest;
import io.impetus.proto.LeaveReply;
import io.impetus.proto.LeaveRequest;
import io.impetus.proto.PullRequest;
import io.impetus.proto.PushChunk;
import io.impetus.proto.PushHeader;
import io.impetus.proto.ShardGrpc;
import io.impetus.proto.SliceChunk;
import io.impetus.proto.StatusReply;
import io.impetus.proto.StatusRequest;
import io.impetus.wire.FloatCodec;

/**
 * The gRPC face of one {@link Shard}. Handlers decode and validate on gRPC threads, then hand the
 * request to the shard's {@link UpdateLoop}, which applies it and answers. No handler blocks: a sync
 * push that must wait for the other workers is parked in the shard's round and answered later.
 */
final class ShardService extends ShardGrpc.ShardImplBase {
  private final Shard shard;
  private final UpdateLoop loop;

  ShardService(Shard shard, UpdateLoop loop) {
    this.shard = shard;
    this.loop = loop;
  }

  @Override
  public void join(JoinRequest request, StreamObserver<JoinReply> reply) {
    loop.execute(
        () -> {
          try {
            reply.onNext(shard.join(request));
            reply.onCompleted();
          } catch (StatusException e) {
            reply.onError(e);
          }
        });
  }

  @Override
  public StreamObserver<InitializeChunk> initialize(StreamObserver<InitializeReply> reply) {
    return new StreamObserver<>() {
      private float[] values;
      private long received;
      private boolean failed;

      @Override
      public void onNext(InitializeChunk chunk) {
        if (failed) {
          return;
        }
        try {
          if (values == null) {
            int length = shard.sliceLength();
            if (length < 0) {
              throw invalid(Status.FAILED_PRECONDITION, "join shard " + shard.index() + " before initializing it");
            }
            values = new float[length];
          }
          received += decodeChunk(chunk.getOffset(), received, chunk.getValues(), values, "initial values");
        } catch (StatusException e) {
          failed = true;
          reply.onError(e);
        }
      }

      @Override
      public void onError(Throwable t) {
        failed = true;
      }

      @Override
      public void onCompleted() {
        if (failed) {
          return;
        }
        float[] complete = values == null ? new float[0] : values;
        long count = received;
        loop.execute(
            () -> {
              try {
                if (count != complete.length) {
                  throw invalid(
                      Status.INVALID_ARGUMENT,
                      "initial values have " + count + " floats, shard " + shard.index() + " expects " + complete.length);
                }
                checkFinite(complete, "initial value");
                boolean already = shard.initialize(complete);
                reply.onNext(InitializeReply.newBuilder().setAlreadyInitialized(already).setVersion(0).build());
                reply.onCompleted();
              } catch (StatusException e) {
                reply.onError(e);
              }
            });
      }
    };
  }

  @Override
  public void pull(PullRequest request, StreamObserver<SliceChunk> reply) {
    ServerCallStreamObserver<SliceChunk> call = (ServerCallStreamObserver<SliceChunk>) reply;
    loop.execute(
        () -> {
          try {
            shard.pull(request.getWorkerId(), call);
          } catch (StatusException e) {
            Shard.fail(call, e);
          }
        });
  }

  @Override
  public StreamObserver<PushChunk> pushPull(StreamObserver<SliceChunk> reply) {
    return new PushReceiver((ServerCallStreamObserver<SliceChunk>) reply);
  }

  @Override
  public void leave(LeaveRequest request, StreamObserver<LeaveReply> reply) {
    loop.execute(
        () -> {
          try {
            reply.onNext(LeaveReply.newBuilder().setVersion(shard.leave(request.getWorkerId())).build());
            reply.onCompleted();
          } catch (StatusException e) {
            reply.onError(e);
          }
        });
  }

  @Override
  public void heartbeat(HeartbeatRequest request, StreamObserver<HeartbeatReply> reply) {
    loop.execute(
        () -> {
          reply.onNext(HeartbeatReply.newBuilder().setLive(shard.heartbeat(request.getWorkerId())).build());
          reply.onCompleted();
        });
  }

  @Override
  public void status(StatusRequest request, StreamObserver<StatusReply> reply) {
    loop.execute(
        () -> {
          reply.onNext(shard.status());
          reply.onCompleted();
        });
  }

  /**
   * Receives one pushed gradient, chunk by chunk, straight into the worker's gradient buffer, and
   * validates it completely (length, order, finiteness) before the update loop sees it, so a bad
   * push never touches the shard.
   */
  private final class PushReceiver implements StreamObserver<PushChunk> {
    private final ServerCallStreamObserver<SliceChunk> reply;
    private WorkerSlot slot;
    private PushHeader header;
    private long received;
    private boolean failed;
    private boolean submitted;

    PushReceiver(ServerCallStreamObserver<SliceChunk> reply) {
      this.reply = reply;
    }

    @Override
    public void onNext(PushChunk chunk) {
      if (failed) {
        return;
      }
      try {
        if (slot == null) {
          start(chunk);
        } else if (chunk.hasHeader()) {
          throw reject("malformed", Status.INVALID_ARGUMENT, "only the first chunk of a push may carry a header");
        }
        received += decodeChunk(chunk.getOffset(), received, chunk.getGradient(), slot.gradient, "gradient");
      } catch (StatusException e) {
        fail(e);
      }
    }

    private void start(PushChunk chunk) throws StatusException {
      if (!chunk.hasHeader()) {
        throw reject("malformed", Status.INVALID_ARGUMENT, "the first chunk of a push must carry its header");
      }
      header = chunk.getHeader();
      WorkerSlot candidate = shard.worker(header.getWorkerId());
      if (candidate == null) {
        throw reject(
            "unknown_worker",
            Status.NOT_FOUND,
            "worker " + header.getWorkerId() + " has not joined shard " + shard.index());
      }
      if (header.getLength() != candidate.gradient.length) {
        throw reject(
            "wrong_length",
            Status.INVALID_ARGUMENT,
            "gradient has " + header.getLength() + " values, shard " + shard.index() + " expects "
                + candidate.gradient.length);
      }
      if (!candidate.tryAcquire()) {
        throw reject(
            "concurrent_push",
            Status.FAILED_PRECONDITION,
            "worker " + header.getWorkerId() + " already has a push in flight to shard " + shard.index());
      }
      slot = candidate;
    }

    @Override
    public void onError(Throwable t) {
      failed = true;
      releaseUnlessSubmitted();
    }

    @Override
    public void onCompleted() {
      if (failed) {
        return;
      }
      try {
        if (slot == null) {
          throw reject("malformed", Status.INVALID_ARGUMENT, "empty push: no header and no gradient");
        }
        if (received != slot.gradient.length) {
          throw reject(
              "wrong_length",
              Status.INVALID_ARGUMENT,
              "gradient has " + received + " values, shard " + shard.index() + " expects " + slot.gradient.length);
        }
        int bad = firstNonFinite(slot.gradient);
        if (bad >= 0) {
          throw reject(
              "non_finite",
              Status.INVALID_ARGUMENT,
              "gradient value " + bad + " of shard " + shard.index() + " is " + slot.gradient[bad]
                  + " (worker " + header.getWorkerId() + ", step " + header.getWorkerStep() + ")");
        }
        submitted = true;
        PendingPush push = new PendingPush(slot, header, reply);
        loop.execute(() -> shard.push(push));
      } catch (StatusException e) {
        fail(e);
      }
    }

    private StatusException reject(String reason, Status status, String message) {
      shard.countRejected(reason);
      return status.withDescription(message).asException();
    }

    private void fail(StatusException e) {
      failed = true;
      releaseUnlessSubmitted();
      Shard.fail(reply, e);
    }

    private void releaseUnlessSubmitted() {
      if (slot != null && !submitted) {
        slot.release();
      }
    }
  }

  /** Decodes one in-order chunk into {@code dst}; returns the number of floats. */
  private static int decodeChunk(long offset, long expectedOffset, com.google.protobuf.ByteString data, float[] dst, String what)
      throws StatusException {
    if (offset != expectedOffset) {
      throw invalid(Status.INVALID_ARGUMENT, what + " chunk at offset " + offset + ", expected " + expectedOffset);
    }
    try {
      int count = FloatCodec.floatCount(data);
      if (offset + count > dst.length) {
        throw invalid(
            Status.INVALID_ARGUMENT,
            what + " has more than the " + dst.length + " values this shard holds");
      }
      return FloatCodec.decode(data, dst, (int) offset);
    } catch (IllegalArgumentException e) {
      throw invalid(Status.INVALID_ARGUMENT, what + ": " + e.getMessage());
    }
  }

  private static void checkFinite(float[] values, String what) throws StatusException {
    int bad = firstNonFinite(values);
    if (bad >= 0) {
      throw invalid(Status.INVALID_ARGUMENT, what + " " + bad + " is " + values[bad]);
    }
  }

  private static int firstNonFinite(float[] values) {
    for (int i = 0; i < values.length; i++) {
      if (!Float.isFinite(values[i])) {
        return i;
      }
    }
    return -1;
  }

  private static StatusException invalid(Status status, String message) {
    return status.withDescription(message).asException();
  }
}
