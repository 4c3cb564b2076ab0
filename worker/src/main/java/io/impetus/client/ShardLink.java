package io.impetus.client;

import io.grpc.Channel;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import io.impetus.proto.HeartbeatRequest;
import io.impetus.proto.InitializeChunk;
import io.impetus.proto.InitializeReply;
import io.impetus.proto.JoinReply;
import io.impetus.proto.JoinRequest;
import io.impetus.proto.Layout;
import io.impetus.proto.LeaveReply;
import io.impetus.proto.LeaveRequest;
import io.impetus.proto.PullRequest;
import io.impetus.proto.PushHeader;
import io.impetus.proto.ShardGrpc;
import io.impetus.proto.StatusReply;
import io.impetus.proto.StatusRequest;
import io.impetus.wire.FloatChunk;
import io.impetus.wire.WireMethods;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One worker's link to one shard: the shard's stub, the shard's range [start, start + length) of the
 * flat vector (from the {@code ShardPlan}), the version of the slice last received, and the one
 * {@link PushPath} chosen when the link joined. Until a join chooses otherwise, and whenever shared
 * memory is not possible or not asked for, pushes take the {@link GrpcPath}.
 *
 * <p>Every call is non-blocking. Replies are decoded straight into the caller's array at the range,
 * which no other link writes, so the links of one client may all write the same array at once. A
 * link carries one push at a time.
 */
final class ShardLink implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ShardLink.class);
  private static final long CALL_TIMEOUT_SECONDS = 30;

  private final int shard;
  private final ShardGrpc.ShardStub stub;
  private final int start;
  private final int length;
  private final LinkContext context;
  private final GrpcPath grpc;
  private volatile PushPath path;
  private volatile long version;

  /** A link to {@code shard} over {@code channel}, for the range [start, start + length). */
  ShardLink(int shard, Channel channel, int start, int length, LinkContext context) {
    this.shard = shard;
    // Wait for ready: a shard that is not up yet (Kubernetes starts shards and workers at once) delays the call.
    this.stub = ShardGrpc.newStub(channel).withWaitForReady();
    this.start = start;
    this.length = length;
    this.context = context;
    this.grpc = new GrpcPath(shard, stub, context.wire(), context.writer(), context.precision(), start, length);
    this.path = grpc;
  }

  /** The version of this shard's slice last received (0 before the first). */
  long version() {
    return version;
  }

  /** The path pushes take: the grpc path before a join. */
  PushPath path() {
    return path;
  }

  /**
   * Joins the shard, initializes it from {@code params} if it has no parameters yet, and chooses the
   * push path (ending the previous one: a join after a failure replaces it). {@code onLease} hears
   * the lease the shard granted, on a transport thread.
   */
  CompletableFuture<Void> join(Layout layout, float[] params, long timeoutSeconds, LongConsumer onLease) {
    JoinRequest request = JoinRequest.newBuilder().setWorkerId(context.workerId()).setSession(context.session())
        .setLayout(layout).build();
    UnaryCall<JoinReply> call = new UnaryCall<>();
    stub.withDeadlineAfter(timeoutSeconds, TimeUnit.SECONDS).join(request, call);
    return call.result().thenCompose(reply -> {
      onLease.accept(reply.getLeaseMillis());
      CompletableFuture<Void> initialized = reply.getInitialized()
          ? CompletableFuture.completedFuture(null)
          : initialize(params).thenApply(r -> null);
      // Setting up shared memory is file and socket I/O: not on the transport thread that completed the join.
      return initialized.thenComposeAsync(v -> choosePath(), context.background());
    }).thenAccept(chosen -> path = chosen);
  }

  /**
   * The push path for this join: the grpc path if the transport is {@code grpc}; otherwise the shm
   * path, or, when shared memory is not possible with this shard, the grpc path ({@code auto}) or a
   * failed join with the reason ({@code shm}).
   */
  private CompletableFuture<PushPath> choosePath() {
    path.close();
    path = grpc;
    if (context.transport() == Transport.GRPC) {
      return CompletableFuture.completedFuture(grpc);
    }
    return context.shm().attach(shard, stub, start, length)
        .<PushPath>thenApply(shm -> shm)
        .exceptionallyCompose(error -> {
          Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
          if (!(cause instanceof ShmPathSetup.NoSharedMemory no)) {
            return CompletableFuture.failedFuture(cause);
          }
          if (context.transport() == Transport.SHM) {
            return CompletableFuture.failedFuture(new IllegalStateException(
                "--transport shm: no shared memory with shard " + shard + ": " + no.getMessage()));
          }
          log.info("worker {}: floats to and from shard {} travel in gRPC messages (no shared memory: {})",
              context.workerId(), shard, no.getMessage());
          return CompletableFuture.completedFuture(grpc);
        });
  }

  private CompletableFuture<InitializeReply> initialize(float[] params) {
    UnaryCall<InitializeReply> call = new UnaryCall<>();
    StreamObserver<FloatChunk<InitializeChunk>> out = ClientCalls.asyncClientStreamingCall(
        stub.getChannel().newCall(context.wire().initialize(), stub.getCallOptions()), call);
    int worker = context.workerId();
    context.writer().write(out, (index, offset) -> InitializeChunk.newBuilder().setWorkerId(worker).setOffset(offset)
        .build(), params, start, length, null);
    return call.result();
  }

  /** Pulls the shard's current slice into {@code params} at the range. */
  CompletableFuture<Void> pull(float[] params) {
    SliceReceiver receiver = new SliceReceiver(params, start, length, shard);
    ClientCalls.asyncServerStreamingCall(stub.getChannel().newCall(context.wire().pull(), stub.getCallOptions()),
        PullRequest.newBuilder().setWorkerId(context.workerId()).build(), WireMethods.releasing(receiver));
    return receiver.result().thenAccept(r -> version = r.version());
  }

  /**
   * Pushes {@code gradient}'s slice, computed from version {@code readVersion} of this shard's slice,
   * on the path chosen at the join, and receives the fresh slice into {@code params}. {@code gradient}
   * may be reused as soon as this returns; {@code params} when the future completes.
   */
  CompletableFuture<SliceReceiver.Received> pushPull(
      float[] gradient, long readVersion, float loss, int batchSize, long step, float[] params) {
    PushHeader header = PushHeader.newBuilder()
        .setWorkerId(context.workerId())
        .setReadVersion(readVersion)
        .setWorkerStep(step)
        .setLength(length)
        .setLoss(loss)
        .setBatchSize(batchSize)
        .build();
    return path.push(header, gradient, params).thenApply(r -> {
      version = r.version();
      return r;
    });
  }

  /** Renews the worker's lease; the answer is not awaited (a lost heartbeat is made up by the next). */
  void heartbeat(HeartbeatRequest request, long deadlineMillis) {
    stub.withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS).heartbeat(request, new UnaryCall<>());
  }

  /** Tells the shard that this worker has finished. */
  CompletableFuture<LeaveReply> leave() {
    UnaryCall<LeaveReply> call = new UnaryCall<>();
    stub.withDeadlineAfter(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS)
        .leave(LeaveRequest.newBuilder().setWorkerId(context.workerId()).build(), call);
    return call.result();
  }

  /** The shard's status. */
  CompletableFuture<StatusReply> status() {
    UnaryCall<StatusReply> call = new UnaryCall<>();
    stub.withDeadlineAfter(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS).status(StatusRequest.getDefaultInstance(), call);
    return call.result();
  }

  /** Ends the push path (a push in flight on it fails); the channel is not this link's. */
  @Override
  public void close() {
    path.close();
  }
}
