package io.impetus.shard;

import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.impetus.proto.AttachSegmentReply;
import io.impetus.proto.AttachSegmentRequest;
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
import io.impetus.proto.SharedPushReply;
import io.impetus.proto.SliceChunk;
import io.impetus.proto.SliceHeader;
import io.impetus.proto.StatusReply;
import io.impetus.proto.StatusRequest;
import io.impetus.wire.FloatChunk;
import io.impetus.wire.SharedSegment;
import io.impetus.wire.WireMethods;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The gRPC face of one {@link Shard}. Handlers decode and validate on gRPC threads, then hand the
 * request to the shard's {@link UpdateLoop}, which applies it and answers. No handler blocks: a sync
 * push that must wait for the other workers is parked in the shard's round and answered later.
 *
 * <p>The float-carrying methods are the {@link WireMethods.ChunkHandlers}, bound by {@link
 * WireMethods#bind}; the generated {@code initialize}, {@code pull} and {@code pushPull} stay unused.
 */
final class ShardService extends ShardGrpc.ShardImplBase implements WireMethods.ChunkHandlers {
  private final Shard shard;
  private final UpdateLoop loop;
  /** Open PushPullSharedStream calls, closed by {@link #closeStreams} when the server stops. */
  private final Set<ServerCallStreamObserver<SharedPushReply>> openStreams = ConcurrentHashMap.newKeySet();
  /** The doorbell AttachSegment replies offer, or null. */
  private volatile Doorbell doorbell;

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
  public StreamObserver<FloatChunk<InitializeChunk>> initializeChunks(StreamObserver<InitializeReply> reply) {
    return new StreamObserver<>() {
      private ChunkTarget values;
      private boolean failed;

      @Override
      public void onNext(FloatChunk<InitializeChunk> chunk) {
        if (failed) {
          return;
        }
        try {
          if (values == null) {
            int length = shard.sliceLength();
            if (length < 0) {
              throw invalid(Status.FAILED_PRECONDITION, "join shard " + shard.index() + " before initializing it");
            }
            values = new ChunkTarget(new float[length]);
          }
          values.decode(chunk.fields().getOffset(), chunk, "initial values");
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
        ChunkTarget complete = values == null ? new ChunkTarget(new float[0]) : values;
        loop.execute(
            () -> {
              try {
                float[] initial = complete.values;
                if (complete.received != initial.length) {
                  throw invalid(
                      Status.INVALID_ARGUMENT,
                      "initial values have " + complete.received + " floats, shard " + shard.index() + " expects "
                          + initial.length);
                }
                int bad = complete.firstNonFinite;
                if (bad >= 0) {
                  throw invalid(Status.INVALID_ARGUMENT, "initial value " + bad + " is " + initial[bad]);
                }
                boolean already = shard.initialize(initial);
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
  public void pullChunks(PullRequest request, StreamObserver<FloatChunk<SliceChunk>> reply) {
    ServerCallStreamObserver<FloatChunk<SliceChunk>> call = (ServerCallStreamObserver<FloatChunk<SliceChunk>>) reply;
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
  public StreamObserver<FloatChunk<PushChunk>> pushPullChunks(StreamObserver<FloatChunk<SliceChunk>> reply) {
    return new PushReceiver((ServerCallStreamObserver<FloatChunk<SliceChunk>>) reply);
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

  /** From now on, offer {@code bell} to workers that attach a segment. */
  void offerDoorbell(Doorbell bell) {
    this.doorbell = bell;
  }

  @Override
  public void attachSegment(AttachSegmentRequest request, StreamObserver<AttachSegmentReply> reply) {
    loop.execute(
        () -> {
          try {
            shard.attach(request);
            Doorbell bell = doorbell;
            reply.onNext(bell == null ? AttachSegmentReply.getDefaultInstance()
                : AttachSegmentReply.newBuilder().setDoorbell(bell.path().toString()).build());
            reply.onCompleted();
          } catch (StatusException e) {
            reply.onError(e);
          }
        });
  }

  /**
   * A push through the worker's shared-memory segment: validated as a streamed push is (worker,
   * length, one push in flight, finiteness) while the gradient is copied out of the segment into the
   * worker's buffer, so that the worker may reuse the segment as soon as it has the reply and a bad
   * push never touches the shard.
   */
  @Override
  public void pushPullShared(PushHeader header, StreamObserver<SliceHeader> reply) {
    pushShared(header, SharedAnswer.unary((ServerCallStreamObserver<SliceHeader>) reply));
  }

  /**
   * The same pushes on one long-lived stream. Every answer, in-band refusals included, is sent from
   * the update loop, so the stream's messages leave in push order from one thread.
   */
  @Override
  public StreamObserver<PushHeader> pushPullSharedStream(StreamObserver<SharedPushReply> replies) {
    ServerCallStreamObserver<SharedPushReply> call = (ServerCallStreamObserver<SharedPushReply>) replies;
    SharedAnswer answer = SharedAnswer.onStream(call);
    openStreams.add(call);
    return new StreamObserver<>() {
      @Override
      public void onNext(PushHeader header) {
        pushShared(header, answer);
      }

      @Override
      public void onError(Throwable t) {
        openStreams.remove(call);
      }

      @Override
      public void onCompleted() {
        openStreams.remove(call);
        loop.execute(() -> complete(call));
      }
    };
  }

  /**
   * Ends every open push stream and the doorbell's connections, on the update loop after the
   * answers queued before it, so that a stopping server does not wait for workers to close streams
   * they would keep open forever.
   */
  void closeStreams() {
    try {
      loop.execute(() -> {
        for (ServerCallStreamObserver<SharedPushReply> call : openStreams) {
          complete(call);
        }
        openStreams.clear();
        Doorbell bell = doorbell;
        if (bell != null) {
          bell.close();
        }
      });
    } catch (java.util.concurrent.RejectedExecutionException stopped) {
      // the update loop is gone already, and gRPC cancels what is left
    }
  }

  private static void complete(ServerCallStreamObserver<SharedPushReply> call) {
    try {
      if (!call.isCancelled()) {
        call.onCompleted();
      }
    } catch (RuntimeException ignored) {
      // closed already
    }
  }

  /**
   * A shared-memory push from a PushPullShared call or a PushPullSharedStream: checks it, copies the
   * gradient out of the segment and hands it to the update loop's thread, which answers.
   */
  void pushShared(PushHeader header, SharedAnswer answer) {
    pushShared(header, answer, false);
  }

  /**
   * A shared-memory push from the doorbell: as {@link #pushShared(PushHeader, SharedAnswer)}, but the
   * calling reader thread runs the update itself when the loop is idle (see {@link UpdateLoop#executeHere}).
   */
  void pushSharedHere(PushHeader header, SharedAnswer answer) {
    pushShared(header, answer, true);
  }

  private void pushShared(PushHeader header, SharedAnswer answer, boolean here) {
    WorkerSlot slot = null;
    try {
      slot = acquire(header);
      SharedSegment segment = shard.segment(header.getWorkerId());
      if (segment == null || segment.length() != slot.gradient.length) {
        throw reject(
            "no_segment",
            Status.NOT_FOUND,
            "worker " + header.getWorkerId() + " has no shared-memory segment attached to shard " + shard.index()
                + "; join and attach again");
      }
      int bad = segment.readGradientChecked(slot.gradient);
      if (bad >= 0) {
        throw nonFinite(slot, header, bad);
      }
      PendingPush push = PendingPush.shared(slot, header, answer, segment);
      submit(() -> shard.push(push), here);
    } catch (StatusException e) {
      if (slot != null) {
        slot.release();
      }
      submit(() -> answer.fail(e), here);
    }
  }

  private void submit(Runnable task, boolean here) {
    if (here) {
      loop.executeHere(task);
    } else {
      loop.execute(task);
    }
  }

  /**
   * Claims the pushing worker's gradient buffer after checking the header: the worker has joined, the
   * length is this shard's, and no other push of this worker is in flight here.
   */
  private WorkerSlot acquire(PushHeader header) throws StatusException {
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
    return candidate;
  }

  private StatusException nonFinite(WorkerSlot slot, PushHeader header, int index) {
    return reject(
        "non_finite",
        Status.INVALID_ARGUMENT,
        "gradient value " + index + " of shard " + shard.index() + " is " + slot.gradient[index]
            + " (worker " + header.getWorkerId() + ", step " + header.getWorkerStep() + ")");
  }

  private StatusException reject(String reason, Status status, String message) {
    shard.countRejected(reason);
    return status.withDescription(message).asException();
  }

  /**
   * Receives one pushed gradient, chunk by chunk, straight into the worker's gradient buffer, and
   * validates it completely (length, order, finiteness) before the update loop sees it, so a bad
   * push never touches the shard. Finiteness is checked while each chunk is decoded; a bad value is
   * only reported once the push is complete, so a short push is still reported as wrong_length.
   */
  private final class PushReceiver implements StreamObserver<FloatChunk<PushChunk>> {
    private final ServerCallStreamObserver<FloatChunk<SliceChunk>> reply;
    private WorkerSlot slot;
    private PushHeader header;
    private ChunkTarget gradient;
    private boolean failed;
    private boolean submitted;

    PushReceiver(ServerCallStreamObserver<FloatChunk<SliceChunk>> reply) {
      this.reply = reply;
    }

    @Override
    public void onNext(FloatChunk<PushChunk> chunk) {
      if (failed) {
        return;
      }
      try {
        PushChunk fields = chunk.fields();
        if (slot == null) {
          start(fields);
        } else if (fields.hasHeader()) {
          throw reject("malformed", Status.INVALID_ARGUMENT, "only the first chunk of a push may carry a header");
        }
        gradient.decode(fields.getOffset(), chunk, "gradient");
      } catch (StatusException e) {
        fail(e);
      }
    }

    private void start(PushChunk chunk) throws StatusException {
      if (!chunk.hasHeader()) {
        throw reject("malformed", Status.INVALID_ARGUMENT, "the first chunk of a push must carry its header");
      }
      header = chunk.getHeader();
      slot = acquire(header);
      gradient = new ChunkTarget(slot.gradient);
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
        if (gradient.received != slot.gradient.length) {
          throw reject(
              "wrong_length",
              Status.INVALID_ARGUMENT,
              "gradient has " + gradient.received + " values, shard " + shard.index() + " expects "
                  + slot.gradient.length);
        }
        int bad = gradient.firstNonFinite;
        if (bad >= 0) {
          throw nonFinite(slot, header, bad);
        }
        submitted = true;
        PendingPush push = PendingPush.streamed(slot, header, reply);
        loop.execute(() -> shard.push(push));
      } catch (StatusException e) {
        fail(e);
      }
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

  /**
   * One float array received as in-order chunks: each chunk is decoded straight into it and checked
   * for NaN and infinity in the same pass, while its values are still in cache.
   */
  private static final class ChunkTarget {
    final float[] values;
    long received;
    /** Index of the first non-finite value received, or -1. */
    int firstNonFinite = -1;

    ChunkTarget(float[] values) {
      this.values = values;
    }

    void decode(long offset, FloatChunk<?> data, String what) throws StatusException {
      if (offset != received) {
        throw invalid(Status.INVALID_ARGUMENT, what + " chunk at offset " + offset + ", expected " + received);
      }
      try {
        int count = data.floatCount();
        if (offset + count > values.length) {
          throw invalid(
              Status.INVALID_ARGUMENT,
              what + " has more than the " + values.length + " values this shard holds");
        }
        int bad = data.decodeChecked(values, (int) offset);
        if (firstNonFinite < 0) {
          firstNonFinite = bad;
        }
        received += count;
      } catch (IllegalArgumentException e) {
        throw invalid(Status.INVALID_ARGUMENT, what + ": " + e.getMessage());
      }
    }
  }

  private static StatusException invalid(Status status, String message) {
    return status.withDescription(message).asException();
  }
}
