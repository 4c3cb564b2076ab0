package io.impetus.shard;

import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.impetus.proto.StatusReply;
import io.impetus.shard.checkpoint.Checkpointer;
import io.impetus.shard.transport.Connections;
import io.impetus.shard.transport.Doorbell;
import io.impetus.shard.transport.IdlePushStreams;
import io.impetus.shard.transport.MalformedMessages;
import io.impetus.shard.transport.ReplyBuffer;
import io.impetus.shard.transport.SegmentPushes;
import io.impetus.shard.transport.ShardService;
import io.impetus.shard.transport.TokenCheck;
import io.impetus.tls.ServerTls;
import io.impetus.wire.WireMethods;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lifecycle of one parameter-server shard process: start, serve, stop. The shard's state lives in
 * its core ({@link Shard}, driven by its {@link UpdateLoop}); the ways pushes arrive are adapters in
 * {@code io.impetus.shard.transport} ({@link ShardService} for gRPC, {@link Doorbell} for the
 * same-host socket). This class only builds and wires them, with a gRPC server from the given builder
 * (a Netty builder in production, an in-process one in tests).
 *
 * <p>It owns what it opens: the update loop (at construction), the gRPC server and the doorbell (at
 * {@link #start}). {@link #stop} closes each of them exactly once, in reverse order of opening, so
 * nothing is closed while a part opened after it can still use it: the doorbell's readers stop before
 * the server, and the server's calls end before the update loop that answers them.
 *
 * <p>Beside the shard service it serves the standard gRPC health service ({@link ShardHealth}) and
 * server reflection. Its edge is guarded as the config's {@link ServerSecurity} says: given a bearer
 * token, it serves the shard service and reflection only to calls that carry it ({@link TokenCheck}),
 * health staying open for probes; given TLS settings, {@link #netty} listens with TLS (mutual TLS when
 * client certificates are required); given a health port, a second, plaintext server on that port
 * answers only {@code grpc.health.v1}, for probes that cannot speak TLS.
 * It publishes a {@link #snapshot} of the shard's status for observers
 * (metrics, the exit-when-done watch): the shard's state belongs to its update thread, so instead of
 * locking it, the update thread itself copies its status out every {@link #SNAPSHOT_PERIOD_MILLIS}.
 *
 * <p>It applies the config's {@link ServerLimits}: the Netty builder's own limits ({@link #netty}), the
 * cap on connections ({@link Connections}), requests that do not parse ({@link MalformedMessages}),
 * the update loop's bounded queue, the bound on unread replies ({@link ReplyBuffer}) and the
 * cancellation of silent push streams ({@link IdlePushStreams}, on a timer thread of its own).
 */
public final class ShardServer {
  private static final Logger log = LoggerFactory.getLogger(ShardServer.class);

  private final ServerConfig config;
  private final UpdateLoop loop;
  private final Server server;
  private final Shard shard;
  private final ShardHealth health = new ShardHealth();
  private final ActivityTracker activity;
  private final SegmentPushes segmentPushes;
  private final ShardService service;
  /** The plaintext server that answers only health checks ({@code --health-port}), or null. */
  private final Server healthServer;
  /** Refuses calls without the job's bearer token; null when the shard has none. */
  private final TokenCheck tokenCheck;
  private final Connections connections;
  private final MalformedMessages malformed;
  private final ReplyBuffer replies;
  private final IdlePushStreams idlePushes;
  /** Runs the cancellation of silent push streams, off the update loop. */
  private final ScheduledExecutorService timers;
  /** What is open, the latest on top; {@link #stop} closes from the top. Guarded by this. */
  private final Deque<Part> open = new ArrayDeque<>();
  private volatile StatusReply snapshot;
  /** The doorbell for same-host workers, or null (no shared memory, --no-doorbell, or no socket). */
  private volatile Doorbell doorbell;

  /** Something this server opened, and how it is closed. */
  private record Part(String name, AutoCloseable closer) {}

  /** How often the update thread publishes its status for observers. */
  public static final long SNAPSHOT_PERIOD_MILLIS = 250;

  /**
   * Prepares a shard for {@code config}, guarded as {@code config.security()} says (the builder brings
   * the transport, TLS included: see {@link #netty}); nothing listens until {@link #start}.
   */
  public ShardServer(ServerBuilder<?> builder, ServerConfig config) {
    this(builder, config, System::nanoTime);
  }

  /** As above, with leases measured on {@code clock} (tests pass a clock they advance by hand). */
  ShardServer(ServerBuilder<?> builder, ServerConfig config, LongSupplier clock) {
    this.config = config;
    Checkpointer checkpoints = Checkpointer.open(config.checkpoints(), config.shardIndex(), config.numShards());
    if (config.checkpoints().enabled()) {
      // Opened before the loop, so closed after it: the loop's last task hands over the final snapshot,
      // and closing the writer waits until it is on disk.
      open.push(new Part("checkpoint writer", checkpoints::close));
    }
    ServerLimits limits = config.limits();
    this.loop = new UpdateLoop(config.shardIndex(), limits.maxQueuedTasks());
    open.push(new Part("update loop", this::closeLoop));
    try {
      this.shard = new Shard(config, clock, checkpoints);
    } catch (RuntimeException refused) {
      stop(); // a checkpoint of another optimizer: close the loop and the writer before saying so
      throw refused;
    }
    this.activity = new ActivityTracker(clock);
    this.segmentPushes = new SegmentPushes(shard, loop, config.sharedMemoryDir());
    this.replies = new ReplyBuffer(() -> limits.replyBufferBytes(shard.sliceLength(), config.workers()));
    this.idlePushes = new IdlePushStreams(limits.streamIdleTimeoutMillis(), clock);
    this.service = new ShardService(shard, loop, segmentPushes, replies, idlePushes, this::withBounds);
    ServerSecurity security = config.security();
    this.tokenCheck = security.token() == null ? null : new TokenCheck(security.token());
    this.connections = new Connections(config.shardIndex(), limits.maxConnections());
    this.malformed = new MalformedMessages(config.shardIndex());
    // The token check runs first (interceptors added last run first), so a refused call is not even
    // counted as worker activity; then the connection cap. Health stays open: kubelet probes carry no
    // token, and it tells nothing but SERVING. Reflection describes the service, so it needs the token too.
    this.server = builder
        .addTransportFilter(connections)
        // Bound with the chunk marshallers: floats go between Netty's buffers and float arrays without copies.
        .addService(guarded(ServerInterceptors.intercept(malformed.guard(WireMethods.bind(service)), activity)))
        .addService(malformed.guard(health.service().bindService()))
        .addService(guarded(malformed.guard(ProtoReflectionServiceV1.newInstance().bindService())))
        .build();
    this.timers = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "shard-" + config.shardIndex() + "-timers");
      t.setDaemon(true);
      return t;
    });
    open.push(new Part("timers", timers::shutdownNow));
    long idlePeriod = Math.max(10, limits.streamIdleTimeoutMillis() / 4);
    timers.scheduleWithFixedDelay(idlePushes::expire, idlePeriod, idlePeriod, TimeUnit.MILLISECONDS);
    this.healthServer = security.healthPort() == null ? null
        : NettyServerBuilder.forAddress(new InetSocketAddress(config.host(), security.healthPort()))
            .addService(health.service())
            .build();
    // Check leases a few times per timeout, so a silent worker is noticed within ~1.25 timeouts.
    loop.every(Math.max(50, config.workerTimeoutMillis() / 4), shard::checkLeases);
    loop.execute(this::publish);
    loop.every(SNAPSHOT_PERIOD_MILLIS, this::publish);
  }

  /** {@code service} behind the connection cap and the token check (when the shard has a token). */
  private ServerServiceDefinition guarded(ServerServiceDefinition service) {
    ServerServiceDefinition capped = ServerInterceptors.intercept(service, connections);
    return tokenCheck == null ? capped : ServerInterceptors.intercept(capped, tokenCheck);
  }

  /** Cancels the push streams silent for the stream idle timeout now (tests drive it with their clock). */
  int expireIdlePushStreamsNow() {
    return idlePushes.expire();
  }

  /** Bytes of replies held now for callers that have not read them. Safe from any thread. */
  public long bufferedReplyBytes() {
    return replies.heldBytes();
  }

  /** Calls refused for a missing or wrong bearer token so far (0 when the shard has no token). */
  public long unauthenticatedCalls() {
    return tokenCheck == null ? 0 : tokenCheck.refused();
  }

  /** Whether the shard serves only calls that carry its bearer token. */
  public boolean requiresToken() {
    return tokenCheck != null;
  }

  /** On the update loop: copy the status out for observers; readiness follows initialization. */
  private void publish() {
    StatusReply status = withBounds(shard.status());
    // Health first: whoever sees this snapshot (the exit-when-done watch) must also see the readiness it implies.
    health.initialized(status.getInitialized());
    snapshot = status;
  }

  /** {@code status} with what the transport's bounds counted. */
  private StatusReply withBounds(StatusReply status) {
    return status.toBuilder()
        .setUpdateFailures(loop.failedTasks())
        .putRefusedCalls("queue_full", loop.refusedTasks())
        .putRefusedCalls("reply_buffer_full", replies.refused())
        .putRefusedCalls("too_many_connections", connections.refusedCalls())
        .putRefusedCalls("idle_push_stream", idlePushes.cancelled())
        .putRefusedCalls("malformed_message", malformed.refused())
        .setReplyBufferBytes(replies.heldBytes())
        .setOpenConnections(connections.open())
        .build();
  }

  /**
   * The shard's status as of at most {@link #SNAPSHOT_PERIOD_MILLIS} ago (after {@link #stop}: its
   * final status). Null only before the update thread first ran. Safe from any thread.
   */
  public StatusReply snapshot() {
    return snapshot;
  }

  /** Nanoseconds since a worker last called this shard (or since it was created). Safe from any thread. */
  public long idleNanos() {
    return activity.idleNanos();
  }

  /** The shard's configuration. */
  public ServerConfig config() {
    return config;
  }

  /**
   * A Netty server builder for {@code config}'s address, with TLS when {@code config.security()} has
   * TLS settings (their files are read now), tuned like the workers' channels: handlers run on the
   * transport threads (they only decode, validate and hand over to the update loop, and never block),
   * and a 16 MiB flow-control window keeps a whole slice in flight; with the limits of the config's
   * {@link ServerLimits} on calls per connection, keepalive pings, idle connections and inbound message
   * and metadata sizes.
   */
  public static ServerBuilder<?> netty(ServerConfig config) {
    ServerLimits limits = config.limits();
    InetSocketAddress address = new InetSocketAddress(config.host(), config.port());
    ServerTls tls = config.security().tls();
    NettyServerBuilder builder = tls == null ? NettyServerBuilder.forAddress(address)
        : NettyServerBuilder.forAddress(address, tls.credentials());
    return builder
        .directExecutor()
        .flowControlWindow(16 * 1024 * 1024)
        .maxConcurrentCallsPerConnection(limits.maxCallsPerConnection())
        // Workers send no keepalive pings; a client that pings more often than this, or without a call
        // open, is disconnected (GOAWAY ENHANCE_YOUR_CALM) instead of costing the shard a reply each.
        .permitKeepAliveTime(limits.keepAliveMinMillis(), TimeUnit.MILLISECONDS)
        .permitKeepAliveWithoutCalls(false)
        .maxConnectionIdle(limits.maxConnectionIdleMillis(), TimeUnit.MILLISECONDS)
        .maxInboundMessageSize(limits.maxMessageBytes())
        .maxInboundMetadataSize(limits.maxMetadataBytes());
  }

  /** Starts serving. */
  public synchronized ShardServer start() throws IOException {
    // The health server opens first so that it closes last: while the gRPC server drains, probes on the
    // health port are answered NOT_SERVING instead of finding the port closed.
    if (healthServer != null) {
      healthServer.start();
      open.push(new Part("health server", this::closeHealthServer));
      log.info("shard {}: health checks (grpc.health.v1, plaintext) on port {}", config.shardIndex(),
          healthServer.getPort());
    }
    server.start();
    open.push(new Part("gRPC server", this::closeServer));
    openDoorbell();
    log.info(
        "shard {} of {} serving on port {}: mode {}{}, {} workers, worker timeout {} ms, staleness policy {}, optimizer {}",
        config.shardIndex(), config.numShards(), server.getPort(), config.mode().cliName(),
        config.mode() == ConsistencyMode.SSP ? " (bound " + config.stalenessBound() + ")"
            : config.backupWorkers() > 0 ? " (" + config.backupWorkers() + " backup workers)" : "",
        config.workers(), config.workerTimeoutMillis(), config.policy().spec(), config.optimizer().describe());
    return this;
  }

  /**
   * Opens the doorbell in the shared-memory folder. Without it (the folder refuses sockets, say)
   * everything works as before: workers push over gRPC streams.
   */
  private void openDoorbell() {
    if (config.sharedMemoryDir() == null || !config.doorbell()) {
      return;
    }
    try {
      // A few connections per worker (each rejoin opens one while the old one closes), and a thread each.
      Doorbell bell = Doorbell.open(config.sharedMemoryDir(), config.shardIndex(), segmentPushes::pushHere,
          activity::touch, Math.max(64, 4 * config.workers()));
      open.push(new Part("doorbell", () -> closeDoorbell(bell)));
      doorbell = bell;
      service.offerDoorbell(bell.path());
      log.info("shard {}: doorbell for same-host workers at {}", config.shardIndex(), doorbell.path());
    } catch (IOException | RuntimeException e) {
      log.warn("shard {}: no doorbell in {} ({}); same-host workers push over gRPC streams", config.shardIndex(),
          config.sharedMemoryDir(), e.toString());
    }
  }

  /** The doorbell's socket, or null when the shard offers none. */
  public Path doorbellPath() {
    Doorbell bell = doorbell;
    return bell == null ? null : bell.path();
  }

  /** Runs a lease check now, on the update loop, and waits for it (for tests with a fake clock). */
  void checkLeasesNow() throws Exception {
    onLoopAndWait(shard::checkLeases).get(10, TimeUnit.SECONDS);
  }

  /**
   * Runs {@code task} on the update loop after the tasks queued before it; the future completes when it
   * has run. Throws RejectedExecutionException once the loop is closed.
   */
  private CompletableFuture<Void> onLoopAndWait(Runnable task) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    loop.execute(() -> {
      try {
        task.run();
      } finally {
        done.complete(null);
      }
    });
    return done;
  }

  /**
   * Closes the doorbell on the update loop, after the answers already queued there (so that a push
   * answered before the stop still reaches its worker), and waits for it.
   */
  private void closeDoorbell(Doorbell bell) throws Exception {
    try {
      onLoopAndWait(bell::close).get(10, TimeUnit.SECONDS);
    } catch (RejectedExecutionException | TimeoutException loopGoneOrStuck) {
      bell.close();
    }
  }

  /** The addresses the server listens on (after {@link #start}). */
  public List<? extends java.net.SocketAddress> listenAddresses() {
    return server.getListenSockets();
  }

  /** The plaintext health port the server listens on (after {@link #start}), or -1 without one. */
  public int healthPort() {
    return healthServer == null ? -1 : healthServer.getPort();
  }

  /** Stops the health server at once: it has no calls worth finishing (probes retry). */
  private void closeHealthServer() throws InterruptedException {
    healthServer.shutdownNow();
    healthServer.awaitTermination(5, TimeUnit.SECONDS);
  }

  /** The port the server listens on (useful when the config asked for port 0). */
  public int port() {
    return server.getPort();
  }

  /**
   * Turns every health status NOT_SERVING, then closes what {@link #start} and the constructor opened,
   * the latest first: the doorbell (after the answers already queued, its connections end between
   * messages and its socket file goes);
   * the gRPC server (it ends the open push streams, stops accepting calls and lets in-flight calls
   * finish for up to 5 s); the update loop (it hands a final checkpoint to the writer when
   * checkpoints are on, publishes a final {@link #snapshot}, finishes the tasks already queued, then
   * stops); the checkpoint writer (it waits until the checkpoints handed to it are on disk).
   * Idempotent: a second call finds nothing open.
   */
  public synchronized void stop() {
    health.stopping();
    while (!open.isEmpty()) {
      Part part = open.pop();
      try {
        part.closer().close();
      } catch (Exception e) {
        log.warn("shard {}: closing the {} failed: {}", config.shardIndex(), part.name(), e.toString());
      }
    }
  }

  /** What is open now, the latest first (the order {@link #stop} closes it in). */
  synchronized List<String> openParts() {
    return open.stream().map(Part::name).toList();
  }

  private void closeServer() {
    server.shutdown();
    // Workers keep their push streams open for as long as they train: end them, or shutting down
    // would wait for the timeout below.
    service.closeStreams();
    try {
      if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
        server.shutdownNow();
        server.awaitTermination(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  private void closeLoop() {
    try {
      loop.execute(() -> {
        if (shard != null) { // null when the constructor failed
          shard.checkpointOnStop();
          publish();
        }
      });
    } catch (RejectedExecutionException alreadyStopped) {
      // nothing left to publish
    }
    loop.close();
  }

  /** Blocks until the server has terminated. */
  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }
}
