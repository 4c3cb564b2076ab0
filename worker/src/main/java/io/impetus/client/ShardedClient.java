package io.impetus.client;

import com.google.protobuf.Message;
import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import io.impetus.model.ParameterLayout;
import io.impetus.proto.AttachSegmentReply;
import io.impetus.proto.AttachSegmentRequest;
import io.impetus.proto.HeartbeatRequest;
import io.impetus.proto.InitializeChunk;
import io.impetus.proto.InitializeReply;
import io.impetus.proto.JoinReply;
import io.impetus.proto.JoinRequest;
import io.impetus.proto.Layout;
import io.impetus.proto.LeaveRequest;
import io.impetus.proto.PullRequest;
import io.impetus.proto.PushChunk;
import io.impetus.proto.PushHeader;
import io.impetus.proto.ShardGrpc;
import io.impetus.proto.StatusReply;
import io.impetus.proto.StatusRequest;
import io.impetus.wire.FloatChunk;
import io.impetus.wire.FloatCodec;
import io.impetus.wire.ShardPlan;
import io.impetus.wire.SharedSegment;
import io.impetus.wire.WireMethods;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker's view of the sharded parameter server: the flat parameter vector cut by the
 * {@link ShardPlan}, one call per shard, all in flight at once.
 *
 * <p>Every operation is non-blocking and returns a {@link CompletableFuture}. Replies are decoded
 * straight into the caller's parameter array at each shard's range; the array must not be read or
 * written by the caller until the future completes. Over channels opened by {@link ShardChannels},
 * which serialize each message once, gradients are encoded straight from the caller's array into
 * the transport while {@code pushPull} sends them. Other channels may retry, and so serialize a
 * message again later: for them gradients are first encoded into one byte buffer per shard that is
 * reused every step and stays owned by gRPC until that shard's reply arrives, which is why a worker
 * has at most one push in flight.
 *
 * <p>With {@link Transport#AUTO} or {@link Transport#SHM}, joining a shard also creates a {@link
 * SharedSegment} and asks the shard to attach it; with every shard that does (one on the same host),
 * pushes carry only their header and the floats go through the segment: one copy in, one copy out,
 * no framing, no socket transfer of the payload. The header travels on the shard's doorbell (a
 * Unix-domain socket, {@link DoorbellPushes}) when it offers one, else on a gRPC stream.
 */
public final class ShardedClient implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ShardedClient.class);
  private static final long ATTACH_TIMEOUT_SECONDS = 30;
  private final int workerId;
  private final ParameterLayout layout;
  private final String model;
  private final ShardPlan plan;
  private final List<ShardGrpc.ShardStub> stubs = new ArrayList<>();
  private final List<ManagedChannel> owned;
  private final long[] versions;
  /** Per shard: whether its channel serializes each message once (see {@link ShardChannels#serializesOnce}). */
  private final boolean[] serializesOnce;
  /** Per shard, for channels that may serialize a message again: the encoded gradient, else null. */
  private final byte[][] gradientBytes;
  private final Transport transport;
  private final Path shmDir;
  /** Per shard: pushes through an attached shared-memory segment, or null to stream floats. */
  private final SegmentPushes[] streams;
  /** Heartbeats, and the file work of attaching segments, off the transport's threads. */
  private final ScheduledExecutorService background;
  private volatile ScheduledFuture<?> heartbeat;

  /**
   * A client over {@code channels}, channel i being shard i.
   *
   * @param owned channels this client shuts down on {@link #close} (may be empty)
   */
  public ShardedClient(
      List<? extends Channel> channels, List<ManagedChannel> owned, int workerId, ParameterLayout layout, String model) {
    this(channels, owned, workerId, layout, model, Transport.GRPC, SharedSegment.DEFAULT_DIR);
  }

  /**
   * As {@link #ShardedClient(List, List, int, ParameterLayout, String)}, moving floats by {@code
   * transport}, with shared-memory streams created in {@code shmDir}.
   */
  public ShardedClient(List<? extends Channel> channels, List<ManagedChannel> owned, int workerId,
      ParameterLayout layout, String model, Transport transport, Path shmDir) {
    this.transport = transport;
    this.shmDir = shmDir;
    this.streams = new SegmentPushes[channels.size()];
    this.workerId = workerId;
    this.layout = layout;
    this.model = model;
    this.plan = new ShardPlan(layout.numParams(), channels.size());
    this.owned = List.copyOf(owned);
    for (Channel c : channels) {
      stubs.add(ShardGrpc.newStub(c).withWaitForReady());
    }
    this.versions = new long[channels.size()];
    this.serializesOnce = new boolean[channels.size()];
    this.gradientBytes = new byte[channels.size()][];
    for (int s = 0; s < channels.size(); s++) {
      serializesOnce[s] = ShardChannels.serializesOnce(channels.get(s));
      gradientBytes[s] = serializesOnce[s] ? null : new byte[plan.length(s) * FloatCodec.BYTES];
    }
    this.background = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "worker-" + workerId + "-background");
      t.setDaemon(true);
      return t;
    });
  }

  /** The shard plan this client cuts vectors by. */
  public ShardPlan plan() {
    return plan;
  }

  /** The version of each shard's slice last received. */
  public long[] versions() {
    return versions.clone();
  }

  /**
   * Joins every shard, initializes those that have no parameters yet from {@code params} (the
   * worker's seeded initial values), then pulls every slice into {@code params}.
   */
  public CompletableFuture<Void> join(float[] params, long timeoutSeconds) {
    checkLength(params);
    List<CompletableFuture<Void>> joined = new ArrayList<>();
    for (int s = 0; s < stubs.size(); s++) {
      final int shard = s;
      Layout shardLayout =
          Layout.newBuilder()
              .setNumParams(layout.numParams())
              .setNumShards(stubs.size())
              .setShardIndex(shard)
              .setFingerprint(layout.fingerprint())
              .setModel(model)
              .build();
      JoinRequest request = JoinRequest.newBuilder().setWorkerId(workerId).setLayout(shardLayout).build();
      UnaryCall<JoinReply> call = new UnaryCall<>();
      stubs.get(shard).withDeadlineAfter(timeoutSeconds, TimeUnit.SECONDS).join(request, call);
      joined.add(call.result().thenCompose(reply -> {
        startHeartbeats(reply.getLeaseMillis());
        CompletableFuture<Void> initialized = reply.getInitialized()
            ? CompletableFuture.completedFuture(null)
            : initialize(shard, params).thenApply(r -> null);
        // Creating and unlinking the segment is file I/O: not on the transport thread that completed the join.
        return initialized.thenComposeAsync(v -> attach(shard), background);
      }));
    }
    return CompletableFuture.allOf(joined.toArray(CompletableFuture[]::new)).thenCompose(v -> pull(params));
  }

  /**
   * Sets up the shared-memory data plane with {@code shard} unless the transport is gRPC: creates a
   * segment and asks the shard to attach it. With {@link Transport#AUTO}, a shard that cannot (it runs
   * on another host) is used with streamed floats instead; with {@link Transport#SHM} that fails the
   * join with the shard's reason.
   */
  private CompletableFuture<Void> attach(int shard) {
    if (streams[shard] != null) {
      streams[shard].close();
      streams[shard] = null;
    }
    if (transport == Transport.GRPC) {
      return CompletableFuture.completedFuture(null);
    }
    SharedSegment segment;
    try {
      segment = SharedSegment.create(shmDir, "w" + workerId + "-s" + shard, plan.length(shard));
    } catch (IOException | RuntimeException e) {
      return noSharedMemory(shard, "cannot create a segment in " + shmDir + ": " + e.getMessage());
    }
    AttachSegmentRequest request = AttachSegmentRequest.newBuilder()
        .setWorkerId(workerId)
        .setPath(segment.path().toString())
        .setNonce(segment.nonce())
        .setLength(segment.length())
        .build();
    UnaryCall<AttachSegmentReply> call = new UnaryCall<>();
    stubs.get(shard).withDeadlineAfter(ATTACH_TIMEOUT_SECONDS, TimeUnit.SECONDS).attachSegment(request, call);
    AtomicReference<AttachSegmentReply> reply = new AtomicReference<>();
    return call.result().handleAsync((attached, error) -> {
      // Mapped by both processes now (or refused): the name is no longer needed, and unlinking it
      // now leaves nothing behind in the folder whatever happens to either process later.
      segment.unlink();
      reply.set(attached);
      return error;
    }, background).thenCompose(error -> {
      if (error == null) {
        streams[shard] = segmentPushes(shard, segment, reply.get());
        return CompletableFuture.completedFuture(null);
      }
      Status status = Status.fromThrowable(error);
      if (status.getCode() != Status.Code.FAILED_PRECONDITION && status.getCode() != Status.Code.UNIMPLEMENTED) {
        return CompletableFuture.failedFuture(error);
      }
      return noSharedMemory(shard, status.getDescription() == null ? status.getCode().name() : status.getDescription());
    });
  }

  /**
   * The carrier of {@code shard}'s segment pushes: the doorbell the shard offers, if this worker can
   * connect to it (on the background thread: connecting is socket I/O), else a gRPC stream.
   */
  private SegmentPushes segmentPushes(int shard, SharedSegment segment, AttachSegmentReply reply) {
    if (!reply.getDoorbell().isEmpty()) {
      try {
        return DoorbellPushes.connect(workerId, shard, segment, Path.of(reply.getDoorbell()));
      } catch (IOException | RuntimeException e) {
        log.info("worker {}: push headers to shard {} travel in a gRPC stream (cannot reach its doorbell {}: {})",
            workerId, shard, reply.getDoorbell(), e.toString());
      }
    }
    return new GrpcPushStream(shard, segment, stubs.get(shard));
  }

  /** No shared memory with {@code shard}: stream its floats ({@code auto}) or fail the join ({@code shm}). */
  private CompletableFuture<Void> noSharedMemory(int shard, String reason) {
    if (transport == Transport.SHM) {
      return CompletableFuture.failedFuture(new IllegalStateException(
          "--transport shm: no shared memory with shard " + shard + ": " + reason));
    }
    log.info("worker {}: floats to and from shard {} travel in gRPC messages (no shared memory: {})", workerId, shard,
        reason);
    return CompletableFuture.completedFuture(null);
  }

  /** Which shards this worker exchanges floats with through shared memory (after a join). */
  public boolean[] sharedMemory() {
    boolean[] shared = new boolean[streams.length];
    for (int s = 0; s < streams.length; s++) {
      shared[s] = streams[s] != null;
    }
    return shared;
  }

  /**
   * How this worker's pushes reach each shard (after a join): {@code shm-doorbell} (floats in shared
   * memory, headers on the shard's doorbell), {@code shm-stream} (floats in shared memory, headers on a
   * gRPC stream) or {@code grpc} (floats in gRPC messages).
   */
  public List<String> dataPlanes() {
    List<String> planes = new ArrayList<>();
    for (SegmentPushes stream : streams) {
      planes.add(stream instanceof DoorbellPushes ? "shm-doorbell" : stream != null ? "shm-stream" : "grpc");
    }
    return planes;
  }

  /** Which shards this worker rings through their doorbell, a subset of {@link #sharedMemory} (after a join). */
  public boolean[] doorbells() {
    boolean[] bells = new boolean[streams.length];
    for (int s = 0; s < streams.length; s++) {
      bells[s] = streams[s] instanceof DoorbellPushes;
    }
    return bells;
  }

  /**
   * Renews the lease on every shard a few times per lease, from a background thread, so a worker
   * that computes for a long time (a slow model, an injected delay) is not presumed dead.
   */
  private synchronized void startHeartbeats(long leaseMillis) {
    if (heartbeat != null || leaseMillis <= 0) {
      return;
    }
    long period = Math.max(20, leaseMillis / 4);
    HeartbeatRequest request = HeartbeatRequest.newBuilder().setWorkerId(workerId).build();
    heartbeat = background.scheduleWithFixedDelay(() -> {
      for (ShardGrpc.ShardStub stub : stubs) {
        stub.withDeadlineAfter(period, TimeUnit.MILLISECONDS).heartbeat(request, new UnaryCall<>());
      }
    }, period, period, TimeUnit.MILLISECONDS);
  }

  private synchronized void stopHeartbeats() {
    if (heartbeat != null) {
      heartbeat.cancel(false);
      heartbeat = null;
    }
  }

  private CompletableFuture<InitializeReply> initialize(int shard, float[] params) {
    UnaryCall<InitializeReply> call = new UnaryCall<>();
    ShardGrpc.ShardStub stub = stubs.get(shard);
    StreamObserver<FloatChunk<InitializeChunk>> out = ClientCalls.asyncClientStreamingCall(
        stub.getChannel().newCall(WireMethods.INITIALIZE, stub.getCallOptions()), call);
    int start = (int) plan.start(shard);
    int length = plan.length(shard);
    for (int c = 0; c < FloatCodec.chunkCount(length); c++) {
      int from = c * FloatCodec.MAX_CHUNK_FLOATS;
      InitializeChunk fields = InitializeChunk.newBuilder().setWorkerId(workerId).setOffset(from).build();
      send(out, chunk(shard, fields, params, start + from, FloatCodec.chunkLength(length, c), null, 0));
    }
    out.onCompleted();
    return call.result();
  }

  /**
   * A chunk of {@code values[from, from+length)} for {@code shard}: encoded when sent, straight from
   * {@code values}, if the shard's channel serializes each message once; otherwise encoded now, into
   * {@code buffer} at byte {@code bufferOffset} (or a new array if {@code buffer} is null).
   */
  private <M extends Message> FloatChunk<M> chunk(
      int shard, M fields, float[] values, int from, int length, byte[] buffer, int bufferOffset) {
    if (serializesOnce[shard]) {
      return FloatChunk.of(fields, values, from, length);
    }
    return FloatChunk.of(fields, buffer == null
        ? FloatCodec.encode(values, from, length)
        : FloatCodec.wrap(values, from, length, buffer, bufferOffset));
  }

  /** Sends a chunk and releases it, so its float array is the caller's again (see {@link FloatChunk}). */
  private static <M extends Message> void send(StreamObserver<FloatChunk<M>> out, FloatChunk<M> chunk) {
    try {
      out.onNext(chunk);
    } finally {
      chunk.release();
    }
  }

  /** Pulls every shard's current slice into {@code params}. */
  public CompletableFuture<Void> pull(float[] params) {
    checkLength(params);
    List<CompletableFuture<?>> pulls = new ArrayList<>();
    for (int s = 0; s < stubs.size(); s++) {
      final int shard = s;
      SliceReceiver receiver = new SliceReceiver(params, (int) plan.start(s), plan.length(s), s);
      ShardGrpc.ShardStub stub = stubs.get(s);
      ClientCalls.asyncServerStreamingCall(stub.getChannel().newCall(WireMethods.PULL, stub.getCallOptions()),
          PullRequest.newBuilder().setWorkerId(workerId).build(), WireMethods.releasing(receiver));
      pulls.add(receiver.result().thenAccept(r -> versions[shard] = r.version()));
    }
    return CompletableFuture.allOf(pulls.toArray(CompletableFuture[]::new));
  }

  /**
   * Pushes {@code gradient} (computed from the parameters last received) to every shard at once and
   * receives the fresh parameters into {@code params}. {@code gradient} may be reused as soon as this
   * method returns; {@code params} when the future completes.
   */
  public CompletableFuture<PushResult> pushPull(float[] gradient, float loss, int batchSize, long step, float[] params) {
    return pushPull(gradient, versions, loss, batchSize, step, params);
  }

  /**
   * As {@link #pushPull(float[], float, int, long, float[])}, for a gradient computed from parameters
   * older than the last received: {@code readVersions[s]} is the version of shard s's slice that the
   * gradient was computed from (the {@link PushResult#versions} of the reply that delivered those
   * parameters), so that each shard measures the gradient's true staleness. {@code readVersions} is
   * read before this method returns.
   */
  public CompletableFuture<PushResult> pushPull(
      float[] gradient, long[] readVersions, float loss, int batchSize, long step, float[] params) {
    checkLength(gradient);
    checkLength(params);
    int shards = stubs.size();
    if (readVersions.length != shards) {
      throw new IllegalArgumentException("readVersions has " + readVersions.length + " entries, there are " + shards + " shards");
    }
    long[] staleness = new long[shards];
    long[] stepLag = new long[shards];
    boolean[] dropped = new boolean[shards];
    @SuppressWarnings("unchecked")
    CompletableFuture<Void>[] replies = new CompletableFuture[shards];
    for (int s = 0; s < shards; s++) {
      final int shard = s;
      int start = (int) plan.start(s);
      int length = plan.length(s);
      ShardGrpc.ShardStub stub = stubs.get(s);
      PushHeader header =
          PushHeader.newBuilder()
              .setWorkerId(workerId)
              .setReadVersion(readVersions[s])
              .setWorkerStep(step)
              .setLength(length)
              .setLoss(loss)
              .setBatchSize(batchSize)
              .build();
      CompletableFuture<SliceReceiver.Received> received;
      SegmentPushes shared = streams[s];
      if (shared != null) {
        received = shared.push(header, gradient, params, start);
      } else {
        received = streamPush(s, stub, header, gradient, start, length, params);
      }
      replies[s] =
          received.thenAccept(r -> {
            versions[shard] = r.version();
            staleness[shard] = r.staleness();
            stepLag[shard] = r.stepLag();
            dropped[shard] = r.dropped();
          });
    }
    return CompletableFuture.allOf(replies)
        .thenApply(v -> new PushResult(staleness, stepLag, dropped, versions.clone()));
  }

  /** One shard's push-pull with the floats streamed in gRPC messages. */
  private CompletableFuture<SliceReceiver.Received> streamPush(int s, ShardGrpc.ShardStub stub, PushHeader header,
      float[] gradient, int start, int length, float[] params) {
    SliceReceiver receiver = new SliceReceiver(params, start, length, s);
    // The chunk descriptor: floats go straight from the gradient to the transport and back from
    // the transport into params.
    StreamObserver<FloatChunk<PushChunk>> out = ClientCalls.asyncBidiStreamingCall(
        stub.getChannel().newCall(WireMethods.PUSH_PULL, stub.getCallOptions()), WireMethods.releasing(receiver));
    for (int c = 0; c < FloatCodec.chunkCount(length); c++) {
      int from = c * FloatCodec.MAX_CHUNK_FLOATS;
      PushChunk.Builder fields = PushChunk.newBuilder().setOffset(from);
      if (c == 0) {
        fields.setHeader(header);
      }
      send(out, chunk(s, fields.build(), gradient, start + from, FloatCodec.chunkLength(length, c), gradientBytes[s],
          from * FloatCodec.BYTES));
    }
    out.onCompleted();
    return receiver.result();
  }

  /** Tells every shard that this worker has finished. */
  public CompletableFuture<Void> leave() {
    stopHeartbeats();
    List<CompletableFuture<?>> calls = new ArrayList<>();
    for (ShardGrpc.ShardStub stub : stubs) {
      UnaryCall<io.impetus.proto.LeaveReply> call = new UnaryCall<>();
      stub.withDeadlineAfter(30, TimeUnit.SECONDS).leave(LeaveRequest.newBuilder().setWorkerId(workerId).build(), call);
      calls.add(call.result());
    }
    return CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new));
  }

  /** Every shard's status, in shard order. */
  public CompletableFuture<List<StatusReply>> status() {
    List<CompletableFuture<StatusReply>> calls = new ArrayList<>();
    for (ShardGrpc.ShardStub stub : stubs) {
      UnaryCall<StatusReply> call = new UnaryCall<>();
      stub.withDeadlineAfter(30, TimeUnit.SECONDS).status(StatusRequest.getDefaultInstance(), call);
      calls.add(call.result());
    }
    return CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new))
        .thenApply(v -> calls.stream().map(CompletableFuture::join).toList());
  }

  private void checkLength(float[] vector) {
    if (vector.length != layout.numParams()) {
      throw new IllegalArgumentException(
          "vector has " + vector.length + " values, the model has " + layout.numParams());
    }
  }

  /** Shuts down the channels this client owns. */
  @Override
  public void close() {
    stopHeartbeats();
    for (SegmentPushes stream : streams) {
      if (stream != null) {
        stream.close();
      }
    }
    background.shutdownNow();
    for (ManagedChannel c : owned) {
      c.shutdown();
    }
    for (ManagedChannel c : owned) {
      try {
        if (!c.awaitTermination(5, TimeUnit.SECONDS)) {
          c.shutdownNow();
        }
      } catch (InterruptedException e) {
        c.shutdownNow();
        Thread.currentThread().interrupt();
      }
    }
  }

  /** A unary reply as a future. */
  private static final class UnaryCall<T> implements StreamObserver<T> {
    private final CompletableFuture<T> result = new CompletableFuture<>();
    private T value;

    CompletableFuture<T> result() {
      return result;
    }

    @Override
    public void onNext(T v) {
      value = v;
    }

    @Override
    public void onError(Throwable t) {
      result.completeExceptionally(t);
    }

    @Override
    public void onCompleted() {
      result.complete(value);
    }
  }
}
