package io.impetus.client;

import io.impetus.model.ParameterLayout;
import io.impetus.proto.Layout;
import io.impetus.proto.StatusReply;
import io.impetus.wire.ShardPlan;
import io.impetus.wire.SharedSegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.stream.IntStream;

/**
 * A worker's view of the sharded parameter server: the flat parameter vector cut by the {@link
 * ShardPlan}, one {@link ShardLink} per shard, one call per shard, all in flight at once.
 *
 * <p>Every operation is non-blocking and returns a {@link CompletableFuture}. Replies are decoded
 * straight into the caller's parameter array at each shard's range; the array must not be read or
 * written by the caller until the future completes. Over channels {@link ShardChannels#open opened}
 * by {@link ShardChannels}, which serialize each message once, gradients are encoded straight from
 * the caller's array into the transport while {@code pushPull} sends them. Other channels may retry,
 * and so serialize a message again later: for them gradients are first encoded into one byte buffer
 * per shard that is reused every step and stays owned by gRPC until that shard's reply arrives, which
 * is why a worker has at most one push in flight.
 *
 * <p>With {@link Transport#AUTO} or {@link Transport#SHM}, joining a shard also sets up the shm path
 * with it (a segment the shard attaches, see {@link ShmPath}); with every shard that does (one on the
 * same host), pushes carry only their header and the floats go through the segment: one copy in, one
 * copy out, no framing, no socket transfer of the payload. The header travels on the shard's doorbell
 * (a Unix-domain socket) when it offers one, else on a header stream.
 */
public final class ShardedClient implements AutoCloseable {
  private final int workerId;
  private final ParameterLayout layout;
  private final String model;
  private final ShardPlan plan;
  private final ShardChannels channels;
  private final List<ShardLink> links = new ArrayList<>();
  /** Heartbeats, and the file and socket work of setting up shm paths, off the transport's threads. */
  private final ScheduledExecutorService background;
  private volatile ScheduledFuture<?> heartbeat;

  /** A client over {@code channels} (channel i being shard i) whose floats travel in gRPC messages. */
  public ShardedClient(ShardChannels channels, int workerId, ParameterLayout layout, String model) {
    this(channels, workerId, layout, model, Transport.GRPC, SharedSegment.DEFAULT_DIR);
  }

  /**
   * As {@link #ShardedClient(ShardChannels, int, ParameterLayout, String)}, moving floats by {@code
   * transport}, with shared-memory segments created in {@code shmDir}. The client closes {@code
   * channels} when it is closed.
   */
  public ShardedClient(ShardChannels channels, int workerId, ParameterLayout layout, String model,
      Transport transport, Path shmDir) {
    this(channels, workerId, layout, model, transport, shmDir, WirePrecision.FP32);
  }

  /**
   * As {@link #ShardedClient(ShardChannels, int, ParameterLayout, String, Transport, Path)}, with
   * floats on the grpc path in {@code precision} (the shm path always moves float32).
   */
  public ShardedClient(ShardChannels channels, int workerId, ParameterLayout layout, String model,
      Transport transport, Path shmDir, WirePrecision precision) {
    this(channels, workerId, layout, model, transport, shmDir, precision, CallDeadlines.defaults());
  }

  /**
   * As {@link #ShardedClient(ShardChannels, int, ParameterLayout, String, Transport, Path, WirePrecision)},
   * with every call bounded by {@code deadlines}.
   */
  public ShardedClient(ShardChannels channels, int workerId, ParameterLayout layout, String model,
      Transport transport, Path shmDir, WirePrecision precision, CallDeadlines deadlines) {
    this.workerId = workerId;
    this.layout = layout;
    this.model = model;
    this.channels = channels;
    this.plan = new ShardPlan(layout.numParams(), channels.size());
    this.background = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "worker-" + workerId + "-background");
      t.setDaemon(true);
      return t;
    });
    // Never 0, which a shard reads as "no session".
    long session = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
    LinkContext context = new LinkContext(workerId, session, transport, channels.wire(),
        new ChunkWriter(channels.serializesOnce()), precision, new ShmPathSetup(workerId, shmDir, background),
        background, deadlines);
    for (int s = 0; s < channels.size(); s++) {
      links.add(new ShardLink(s, channels.channels().get(s), (int) plan.start(s), plan.length(s), context));
    }
  }

  /** The shard plan this client cuts vectors by. */
  public ShardPlan plan() {
    return plan;
  }

  /** The version of each shard's slice last received. */
  public long[] versions() {
    long[] versions = new long[links.size()];
    for (int s = 0; s < versions.length; s++) {
      versions[s] = links.get(s).version();
    }
    return versions;
  }

  /**
   * Joins every shard, initializes those that have no parameters yet from {@code params} (the
   * worker's seeded initial values), chooses each shard's push path, then pulls every slice into
   * {@code params}.
   */
  public CompletableFuture<Void> join(float[] params, long timeoutSeconds) {
    return join(params, timeoutSeconds, true);
  }

  /**
   * Joins every shard only to read its parameters into {@code params} (as a launcher does after
   * training, then leaving again): a shard without parameters fails the join rather than being
   * initialized.
   */
  public CompletableFuture<Void> joinToRead(float[] params, long timeoutSeconds) {
    return join(params, timeoutSeconds, false);
  }

  private CompletableFuture<Void> join(float[] params, long timeoutSeconds, boolean initialize) {
    checkLength(params);
    return all(s -> links.get(s).join(layoutFor(s), params, timeoutSeconds, initialize, this::startHeartbeats))
        .thenCompose(v -> pull(params));
  }

  /** The layout shard {@code shard} must agree with. */
  private Layout layoutFor(int shard) {
    return Layout.newBuilder()
        .setNumParams(layout.numParams())
        .setNumShards(links.size())
        .setShardIndex(shard)
        .setFingerprint(layout.fingerprint())
        .setModel(model)
        .build();
  }

  /** Which shards this worker exchanges floats with through shared memory (after a join). */
  public boolean[] sharedMemory() {
    boolean[] shared = new boolean[links.size()];
    for (int s = 0; s < shared.length; s++) {
      shared[s] = links.get(s).path() instanceof ShmPath;
    }
    return shared;
  }

  /**
   * How this worker's pushes reach each shard (after a join): {@code shm-doorbell} (floats in shared
   * memory, headers on the shard's doorbell), {@code shm-stream} (floats in shared memory, headers on a
   * header stream) or {@code grpc} (floats in gRPC messages; {@code grpc-bf16} with bfloat16 floats).
   */
  public List<String> dataPlanes() {
    return links.stream().map(link -> link.path().dataPlane()).toList();
  }

  /** Which shards this worker rings through their doorbell, a subset of {@link #sharedMemory} (after a join). */
  public boolean[] doorbells() {
    boolean[] bells = new boolean[links.size()];
    for (int s = 0; s < bells.length; s++) {
      bells[s] = links.get(s).path() instanceof DoorbellShmPath;
    }
    return bells;
  }

  /**
   * Renews the lease on every shard a few times per lease, from a background thread, so a worker
   * that computes for a long time (a slow model, an injected delay) is not presumed dead; on the same
   * beat, fails a shared-memory push that has waited past its deadline (a gRPC call ends by itself).
   */
  private synchronized void startHeartbeats(long leaseMillis) {
    if (heartbeat != null || leaseMillis <= 0) {
      return;
    }
    long period = Math.max(20, leaseMillis / 4);
    heartbeat = background.scheduleWithFixedDelay(() -> {
      for (ShardLink link : links) {
        link.heartbeat(period);
        link.failOverduePush();
      }
    }, period, period, TimeUnit.MILLISECONDS);
  }

  private synchronized void stopHeartbeats() {
    if (heartbeat != null) {
      heartbeat.cancel(false);
      heartbeat = null;
    }
  }

  /** Pulls every shard's current slice into {@code params}. */
  public CompletableFuture<Void> pull(float[] params) {
    checkLength(params);
    return all(s -> links.get(s).pull(params));
  }

  /**
   * Pushes {@code gradient} (computed from the parameters last received) to every shard at once and
   * receives the fresh parameters into {@code params}. {@code gradient} may be reused as soon as this
   * method returns; {@code params} when the future completes.
   */
  public CompletableFuture<PushResult> pushPull(float[] gradient, float loss, int batchSize, long step, float[] params) {
    return pushPull(gradient, versions(), loss, batchSize, step, params);
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
    int shards = links.size();
    if (readVersions.length != shards) {
      throw new IllegalArgumentException("readVersions has " + readVersions.length + " entries, there are " + shards + " shards");
    }
    long[] staleness = new long[shards];
    long[] stepLag = new long[shards];
    boolean[] dropped = new boolean[shards];
    long[] versions = new long[shards];
    @SuppressWarnings("unchecked")
    CompletableFuture<Void>[] replies = new CompletableFuture[shards];
    for (int s = 0; s < shards; s++) {
      final int shard = s;
      replies[s] = links.get(s).pushPull(gradient, readVersions[s], loss, batchSize, step, params).thenAccept(r -> {
        versions[shard] = r.version();
        staleness[shard] = r.staleness();
        stepLag[shard] = r.stepLag();
        dropped[shard] = r.dropped();
      });
    }
    return CompletableFuture.allOf(replies).thenApply(v -> new PushResult(staleness, stepLag, dropped, versions));
  }

  /** Tells every shard that this worker has finished. */
  public CompletableFuture<Void> leave() {
    stopHeartbeats();
    return all(s -> links.get(s).leave());
  }

  /** Every shard's status, in shard order. */
  public CompletableFuture<List<StatusReply>> status() {
    List<CompletableFuture<StatusReply>> calls = links.stream().map(ShardLink::status).toList();
    return CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new))
        .thenApply(v -> calls.stream().map(CompletableFuture::join).toList());
  }

  /** Makes {@code call} for every shard at once; completes when every call has (fails if any does). */
  private CompletableFuture<Void> all(IntFunction<CompletableFuture<?>> call) {
    return CompletableFuture.allOf(IntStream.range(0, links.size()).mapToObj(call).toArray(CompletableFuture[]::new));
  }

  private void checkLength(float[] vector) {
    if (vector.length != layout.numParams()) {
      throw new IllegalArgumentException(
          "vector has " + vector.length + " values, the model has " + layout.numParams());
    }
  }

  /** Ends every link's push path and shuts down the channels the client's {@link ShardChannels} own. */
  @Override
  public void close() {
    stopHeartbeats();
    links.forEach(ShardLink::close);
    background.shutdownNow();
    channels.close();
  }
}
