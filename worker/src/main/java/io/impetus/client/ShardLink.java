package io.impetus.client;

import com.google.protobuf.ByteString;
import io.grpc.Channel;
import io.grpc.Status;
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
 * <p>The link keeps the key of the worker's session on its shard, from the last join, and presents
 * it in every call. Every call has a deadline ({@link CallDeadlines}).
 *
 * <p>Every call is non-blocking. Replies are decoded straight into the caller's array at the range,
 * which no other link writes, so the links of one client may all write the same array at once. A
 * link carries one push at a time.
 */
final class ShardLink implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ShardLink.class);

  private final int shard;
  private final ShardGrpc.ShardStub stub;
  private final int start;
  private final int length;
  private final LinkContext context;
  private final GrpcPath grpc;
  private volatile PushPath path;
  private volatile long version;
  /** The key of this worker's session on the shard (empty before the first join), presented in every call. */
  private volatile ByteString sessionKey = ByteString.EMPTY;
  /** The shard's lease (0 before the first join), which push deadlines allow for. */
  private volatile long leaseMillis;

  /** A link to {@code shard} over {@code channel}, for the range [start, start + length). */
  ShardLink(int shard, Channel channel, int start, int length, LinkContext context) {
    this.shard = shard;
    // Wait for ready: a shard that is not up yet (Kubernetes starts shards and workers at once) delays the call.
    this.stub = ShardGrpc.newStub(channel).withWaitForReady();
    this.start = start;
    this.length = length;
    this.context = context;
    this.grpc = new GrpcPath(shard, stub, context.wire(), context.writer(), context.precision(), start, length,
        this::pushDeadlineMillis);
    this.path = grpc;
  }

  /** The version of this shard's slice last received (0 before the first). */
  long version() {
    return version;
  }

  /** How long a push-pull may take before the worker gives it up (see {@link CallDeadlines}). */
  long pushDeadlineMillis() {
    return context.deadlines().pushMillis(leaseMillis);
  }

  /** The stub for a call that must end within the unary deadline. */
  private ShardGrpc.ShardStub unary() {
    return stub.withDeadlineAfter(context.deadlines().callMillis(), TimeUnit.MILLISECONDS);
  }

  /** The key of the worker's session on this shard, from the last join (empty before it). */
  ByteString sessionKey() {
    return sessionKey;
  }

  /** The path pushes take: the grpc path before a join. */
  PushPath path() {
    return path;
  }

  /**
   * Joins the shard (presenting the key of this worker's session there, if it has one, so that the
   * shard renews it rather than refusing a second join), keeps the session key the shard issued,
   * initializes the shard from {@code params} if it has no parameters yet (unless {@code initialize}
   * is false: then such a shard fails the join with NOT_INITIALIZED), and chooses the push path
   * (ending the previous one: a join after a failure replaces it). {@code onLease} hears the lease the
   * shard granted, on a transport thread.
   */
  CompletableFuture<Void> join(Layout layout, float[] params, long timeoutSeconds, boolean initialize,
      LongConsumer onLease) {
    JoinRequest request = JoinRequest.newBuilder().setWorkerId(context.workerId()).setSession(context.session())
        .setSessionKey(sessionKey).setLayout(layout).build();
    UnaryCall<JoinReply> call = new UnaryCall<>();
    stub.withDeadlineAfter(timeoutSeconds, TimeUnit.SECONDS).join(request, call);
    return call.result().thenCompose(reply -> {
      sessionKey = reply.getSessionKey();
      leaseMillis = reply.getLeaseMillis();
      onLease.accept(reply.getLeaseMillis());
      if (!reply.getInitialized() && !initialize) {
        return CompletableFuture.failedFuture(Status.FAILED_PRECONDITION
            .withDescription("shard " + shard + " has no parameters").asRuntimeException());
      }
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
    return context.shm().attach(shard, unary(), stub, start, length, sessionKey)
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
        stub.getChannel().newCall(context.wire().initialize(), unary().getCallOptions()), call);
    int worker = context.workerId();
    ByteString key = sessionKey;
    context.writer().write(out, (index, offset) -> {
      InitializeChunk.Builder chunk = InitializeChunk.newBuilder().setWorkerId(worker).setOffset(offset);
      return index == 0 ? chunk.setSessionKey(key).build() : chunk.build();
    }, params, start, length, null);
    return call.result();
  }

  /** Pulls the shard's current slice into {@code params} at the range. */
  CompletableFuture<Void> pull(float[] params) {
    SliceReceiver receiver = new SliceReceiver(params, start, length, shard);
    ClientCalls.asyncServerStreamingCall(stub.getChannel().newCall(context.wire().pull(), unary().getCallOptions()),
        PullRequest.newBuilder().setWorkerId(context.workerId()).setSessionKey(sessionKey).build(),
        WireMethods.releasing(receiver));
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
        .setSessionKey(sessionKey)
        .build();
    return path.push(header, gradient, params).thenApply(r -> {
      version = r.version();
      return r;
    });
  }

  /**
   * Renews the worker's lease; the answer is not awaited (a lost heartbeat is made up by the next, and
   * a session the shard no longer knows shows at the next push, which joins again).
   */
  void heartbeat(long deadlineMillis) {
    HeartbeatRequest request = HeartbeatRequest.newBuilder().setWorkerId(context.workerId())
        .setSessionKey(sessionKey).build();
    stub.withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS).heartbeat(request, new UnaryCall<>());
  }

  /** Fails a shm push that has waited longer than a push's deadline (the grpc path's calls carry their own). */
  void failOverduePush() {
    if (path instanceof ShmPath shm) {
      shm.failIfOlderThan(TimeUnit.MILLISECONDS.toNanos(pushDeadlineMillis()));
    }
  }

  /** Tells the shard that this worker has finished. */
  CompletableFuture<LeaveReply> leave() {
    UnaryCall<LeaveReply> call = new UnaryCall<>();
    unary().leave(LeaveRequest.newBuilder().setWorkerId(context.workerId()).setSessionKey(sessionKey).build(), call);
    return call.result();
  }

  /** The shard's status. */
  CompletableFuture<StatusReply> status() {
    UnaryCall<StatusReply> call = new UnaryCall<>();
    unary().status(StatusRequest.getDefaultInstance(), call);
    return call.result();
  }

  /** Ends the push path (a push in flight on it fails); the channel is not this link's. */
  @Override
  public void close() {
    path.close();
  }
}
