package io.impetus.cli;

import io.impetus.local.RunLayout;
import io.impetus.optim.OptimizerConfig;
import io.impetus.optim.OptimizerKind;
import io.impetus.shard.ConsistencyMode;
import io.impetus.shard.ServerConfig;
import io.impetus.shard.ServerSecurity;
import io.impetus.shard.ShardLifecycle;
import io.impetus.shard.ShardMetrics;
import io.impetus.shard.ShardServer;
import io.impetus.wire.SharedSegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * {@code impetus server}: hosts one shard of the parameter server until every worker has finished,
 * {@code --idle-timeout} passes without a worker call, or a signal stops it. Finishing prints one
 * final status line and exits 0, so a Kubernetes Job of shards completes; a signal (SIGTERM) stops
 * gracefully too (health NOT_SERVING, in-flight calls finish, final line) but exits with the
 * signal's code (143), so a Job replaces a shard stopped in the middle of training rather than
 * counting it done.
 */
public final class ServerCommand implements Command {
  /** The line a server prints on stdout once it listens, followed by the port; the local launcher waits for it. */
  public static final String LISTENING = "IMPETUS_LISTENING";

  /**
   * The address a shard binds by default: loopback, so a shard started by hand is not reachable from
   * the network until asked ({@code --host 0.0.0.0}, or the pod's IP in Kubernetes).
   */
  public static final String DEFAULT_HOST = "127.0.0.1";

  /** The flag of the plaintext port that serves only health checks. */
  public static final String HEALTH_PORT = "health-port";

  /** PyTorch's defaults: SGD without momentum. */
  public static final OptimizerConfig DEFAULT_OPTIMIZER = OptimizerConfig.defaults(OptimizerKind.SGD, 0.01);

  @Override
  public String name() {
    return "server";
  }

  @Override
  public String summary() {
    return "host one parameter-server shard";
  }

  @Override
  public String footer() {
    return "\nExample: impetus server --shard-index 0 --num-shards 2 --port 7070 --workers 4 --optimizer adam --lr 0.001\n"
        + "         impetus server --workers 4 --model mlp --hidden 64,32   (refuses workers of any other model)\n"
        + "         impetus server --workers 4 --checkpoint-dir /data/ckpt --checkpoint-interval 500\n"
        + "           (restarted with the same flags, the shard resumes from its newest checkpoint; docs/checkpoints.md)\n"
        + "Health (grpc.health.v1): service \"\" is SERVING while the server runs (liveness), \"" + io.impetus.shard.ShardHealth.READINESS
        + "\"\nonce a worker has initialized the parameters (readiness).";
  }

  /** The variables {@code impetus server} reads: flag fallbacks (what Kubernetes sets) and the shard-index fallbacks. */
  public static final List<EnvVar> ENVIRONMENT = withGroups(List.of(
      EnvVar.forFlag("IMPETUS_HOST", "host", "in Kubernetes: the pod's IP (status.podIP)"),
      EnvVar.forFlag("IMPETUS_PORT", "port"),
      EnvVar.forFlag("IMPETUS_SHARD_INDEX", "shard-index"),
      EnvVar.forFlag("JOB_COMPLETION_INDEX", "shard-index", "after IMPETUS_SHARD_INDEX; set in an Indexed Job's pods"),
      EnvVar.of("HOSTNAME", "in Kubernetes, else: the shard index is its suffix (impetus-ps-3: 3)"),
      EnvVar.of("KUBERNETES_SERVICE_HOST", "set by Kubernetes; lets HOSTNAME give the shard index"),
      EnvVar.forFlag("IMPETUS_NUM_SHARDS", "num-shards"),
      EnvVar.forFlag("IMPETUS_WORKERS", "workers"),
      EnvVar.forFlag("IMPETUS_MODE", "mode"),
      EnvVar.forFlag("IMPETUS_WORKER_TIMEOUT", "worker-timeout"),
      EnvVar.forFlag("IMPETUS_OPTIMIZER", "optimizer"),
      EnvVar.forFlag("IMPETUS_LR", "lr"),
      EnvVar.forFlag("IMPETUS_MOMENTUM", "momentum"),
      EnvVar.forFlag("IMPETUS_METRICS_PORT", "metrics-port"),
      MetricsEndpoint.ADDRESS_ENVIRONMENT,
      EnvVar.forFlag("IMPETUS_IDLE_TIMEOUT", "idle-timeout"),
      EnvVar.forFlag("IMPETUS_RUN_DIR", "run-dir"),
      EnvVar.forFlag("IMPETUS_SHM_DIR", "shm-dir"),
      EnvVar.forFlag("IMPETUS_NO_SHM", "no-shm", "when true"),
      EnvVar.forFlag("IMPETUS_NO_DOORBELL", "no-doorbell", "when true"),
      ClipFlags.ENVIRONMENT,
      TokenFlags.ENVIRONMENT,
      EnvVar.forFlag("IMPETUS_HEALTH_PORT", HEALTH_PORT)));

  /** {@code vars} and the variables of the flag groups with several: checkpoints, layout limits, bounds. */
  private static List<EnvVar> withGroups(List<EnvVar> vars) {
    List<EnvVar> all = new ArrayList<>(vars);
    all.addAll(TlsFlags.SERVER_ENVIRONMENT);
    all.addAll(CheckpointFlags.ENVIRONMENT);
    all.addAll(LayoutFlags.ENVIRONMENT);
    all.addAll(BoundsFlags.ENVIRONMENT);
    return List.copyOf(all);
  }

  @Override
  public List<EnvVar> environment() {
    return ENVIRONMENT;
  }

  @Override
  public Options options() {
    Options o = new Options();
    o.addOption(OptimizerFlags.valued("host", "ADDR",
        "address to bind (default " + DEFAULT_HOST + ", this host only; 0.0.0.0 for every interface)"));
    o.addOption(OptimizerFlags.valued("port", "PORT", "port to listen on; 0 picks a free one (default 7070)"));
    o.addOption(OptimizerFlags.valued("shard-index", "I", "which shard of the plan this process hosts (default 0)"));
    o.addOption(OptimizerFlags.valued("num-shards", "S", "number of shards in the plan (default 1)"));
    o.addOption(OptimizerFlags.valued("workers", "N", "number of workers; sync mode waits for all of them (default 1)"));
    o.addOption(OptimizerFlags.valued("metrics-port", "PORT", "serve Prometheus metrics on this port (0: any free port; default: none)"));
    MetricsEndpoint.addAddressTo(o);
    o.addOption(OptimizerFlags.valued("idle-timeout", "SECONDS",
        "exit after this long without any worker call (default 0: never)"));
    o.addOption(Option.builder().longOpt("keep-running")
        .desc("do not exit when every worker has finished (impetus local pulls the final parameters, then stops the shards)")
        .get());
    o.addOption(OptimizerFlags.valued("shm-dir", "DIR",
        "workers on this host may attach shared-memory segments from this folder (default " + SharedSegment.DEFAULT_DIR
            + ")"));
    o.addOption(Option.builder().longOpt("no-shm")
        .desc("refuse shared-memory segments: every worker sends its floats in gRPC messages").get());
    o.addOption(Option.builder().longOpt("no-doorbell")
        .desc("do not offer workers that attach segments the shard's doorbell (a socket in --shm-dir that carries"
            + " their push headers without HTTP/2): their headers go on a header stream (PushPullSharedStream)").get());
    o.addOption(OptimizerFlags.valued("crash-at-version", "V",
        "fault injection: the process dies abruptly (exit 137, as after SIGKILL) right after applying the update"
            + " that makes its version V, once the checkpoints due so far are on disk (impetus local: --crash-shard I:V)"));
    o.addOption(OptimizerFlags.valued("run-dir", "DIR",
        "the run folder shared with the workers (in a cluster, a volume): the shard keeps its status in"
            + " DIR/shards/shard-I-status.json (rewritten every " + ShardStatusWriter.PERIOD_SECONDS + " s and as it"
            + " stops) and, without --checkpoint-dir, its checkpoints in DIR/checkpoints; impetus summarize DIR reads"
            + " them"));
    ConsistencyFlags.addTo(o);
    CheckpointFlags.addTo(o, "default: none, or RUN_DIR/checkpoints with --run-dir");
    ClipFlags.addTo(o);
    LayoutFlags.addTo(o);
    BoundsFlags.addTo(o);
    TokenFlags.addTo(o, "every call but health checks must carry it");
    TlsFlags.addServerTo(o);
    o.addOption(OptimizerFlags.valued(HEALTH_PORT, "PORT",
        "also answer gRPC health checks (grpc.health.v1 only) in plaintext on this port of --host, for probes"
            + " that speak no TLS, such as kubelet's (0: any free port; default: none)"));
    OptimizerFlags.addTo(o, DEFAULT_OPTIMIZER, "PyTorch's; impetus local's default is "
        + io.impetus.local.LocalCommand.DEFAULT_OPTIMIZER.momentum());
    return o;
  }

  /** The shard's shared-memory folder: {@code --shm-dir} (or IMPETUS_SHM_DIR), null with {@code --no-shm}. */
  public static Path sharedMemoryDir(Flags f) {
    if (f.enabled("no-shm")) {
      return null;
    }
    String dir = f.string("shm-dir");
    return dir == null ? SharedSegment.DEFAULT_DIR : Path.of(dir);
  }

  /** Whether to offer a doorbell: yes unless {@code --no-doorbell} (or IMPETUS_NO_DOORBELL=true). */
  public static boolean doorbell(Flags f) {
    return !f.enabled("no-doorbell");
  }

  /**
   * The shard index: the flag, else IMPETUS_SHARD_INDEX, else JOB_COMPLETION_INDEX (an Indexed
   * Job), else, inside Kubernetes only, the ordinal suffix of HOSTNAME (a StatefulSet's
   * {@code impetus-ps-3}). The last one is limited to Kubernetes (KUBERNETES_SERVICE_HOST set) so
   * that a developer machine called {@code build-2} does not silently become shard 2.
   */
  static int shardIndex(Flags f) {
    Long explicit = f.longOrNull("shard-index");
    if (explicit != null) {
      if (explicit < 0 || explicit > Integer.MAX_VALUE) {
        throw new UsageException("--shard-index is out of range: " + explicit);
      }
      return explicit.intValue();
    }
    String host = f.env("HOSTNAME");
    if (f.env("KUBERNETES_SERVICE_HOST") != null && host != null) {
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("-(\\d{1,9})$").matcher(host);
      if (m.find()) {
        return Integer.parseInt(m.group(1));
      }
    }
    return 0;
  }

  /** When the shard process finishes on its own. */
  public static ShardLifecycle.Settings lifecycle(Flags f) {
    double idle = f.number("idle-timeout", 0);
    try {
      return new ShardLifecycle.Settings(!f.has("keep-running"), Math.round(idle * 1000));
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }

  /** {@code --metrics-port} (or IMPETUS_METRICS_PORT), or null when metrics are off. */
  static Integer metricsPort(Flags f) {
    Long port = f.longOrNull("metrics-port");
    if (port != null && (port < 0 || port > 65535)) {
      throw new UsageException("--metrics-port must be in [0, 65535], got " + port);
    }
    return port == null ? null : port.intValue();
  }

  /** How the shard's edge is guarded: {@code --token-file}, the TLS flags and {@code --health-port}. */
  static ServerSecurity security(Flags f) {
    Long healthPort = f.longOrNull(HEALTH_PORT);
    if (healthPort != null && (healthPort < 0 || healthPort > 65535)) {
      throw new UsageException("--" + HEALTH_PORT + " must be in [0, 65535], got " + healthPort);
    }
    return new ServerSecurity(TokenFlags.parse(f), TlsFlags.server(f), healthPort == null ? null : healthPort.intValue());
  }

  /** {@code --crash-at-version} (at least 1), or 0 when absent. */
  static long crashAtVersion(Flags f) {
    Long v = f.longOrNull("crash-at-version");
    if (v != null && v < 1) {
      throw new UsageException("--crash-at-version must be at least 1, got " + v);
    }
    return v == null ? 0 : v;
  }

  /** {@code --run-dir} (or IMPETUS_RUN_DIR), or null. */
  static Path runDir(Flags f) {
    String dir = f.string("run-dir");
    return dir == null ? null : Path.of(dir);
  }

  /** The config the flags describe. */
  public static ServerConfig parse(Flags f) {
    try {
      ServerConfig base = new ServerConfig(
          f.stringOr("host", DEFAULT_HOST),
          f.integer("port", 7070),
          shardIndex(f),
          f.integer("num-shards", 1),
          f.integer("workers", 1),
          ConsistencyMode.ASYNC,
          OptimizerFlags.parse(f, DEFAULT_OPTIMIZER));
      return ConsistencyFlags.apply(f, base).withSharedMemoryDir(sharedMemoryDir(f)).withDoorbell(doorbell(f))
          .withCheckpoints(CheckpointFlags.parse(f, runDir(f) == null ? null : RunLayout.checkpoints(runDir(f))))
          .withCrashAtVersion(crashAtVersion(f))
          .withClipGradNorm(ClipFlags.parse(f)).withLayoutLimits(LayoutFlags.parse(f))
          .withLimits(BoundsFlags.parse(f, f.integer("workers", 1)))
          .withSecurity(security(f));
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }

  /** The arguments (after {@code server}) that reproduce {@code c}. */
  public static List<String> toArgs(ServerConfig c) {
    List<String> a = new ArrayList<>();
    OptimizerFlags.add(a, "host", c.host());
    OptimizerFlags.add(a, "port", Integer.toString(c.port()));
    OptimizerFlags.add(a, "shard-index", Integer.toString(c.shardIndex()));
    OptimizerFlags.add(a, "num-shards", Integer.toString(c.numShards()));
    OptimizerFlags.add(a, "workers", Integer.toString(c.workers()));
    a.addAll(ConsistencyFlags.toArgs(c));
    a.addAll(ConsistencyFlags.boundArgs(c));
    a.addAll(OptimizerFlags.toArgs(c.optimizer()));
    a.addAll(CheckpointFlags.toArgs(c.checkpoints()));
    if (c.crashAtVersion() > 0) {
      OptimizerFlags.add(a, "crash-at-version", Long.toString(c.crashAtVersion()));
    }
    a.addAll(ClipFlags.toArgs(c.clipGradNorm()));
    a.addAll(LayoutFlags.toArgs(c.layoutLimits()));
    a.addAll(BoundsFlags.toArgs(c.limits(), c.workers()));
    a.addAll(TokenFlags.toArgs(c.security().token() == null ? null : c.security().token().file()));
    a.addAll(TlsFlags.toArgs(c.security().tls()));
    if (c.security().healthPort() != null) {
      OptimizerFlags.add(a, HEALTH_PORT, Integer.toString(c.security().healthPort()));
    }
    if (c.sharedMemoryDir() == null) {
      a.add("--no-shm");
    } else {
      OptimizerFlags.add(a, "shm-dir", c.sharedMemoryDir().toString());
      if (!c.doorbell()) {
        a.add("--no-doorbell");
      }
    }
    return a;
  }

  @Override
  public int run(Flags flags) throws Exception {
    ServerConfig config = parse(flags);
    ShardLifecycle.Settings settings = lifecycle(flags);
    Integer metricsPort = metricsPort(flags);
    ShardServer server =
        new ShardServer(ShardServer.netty(config), config).start();
    Path runDir = runDir(flags);
    ShardStatusWriter statusFile =
        ShardStatusWriter.start(runDir == null ? null : RunLayout.shardStatus(runDir, config.shardIndex()), server);
    Thread onSignal = new Thread(() -> stop(server, statusFile, "stopped by a signal"), "shard-shutdown");
    Runtime.getRuntime().addShutdownHook(onSignal);
    try (MetricsEndpoint metrics = MetricsEndpoint.start(flags.string("metrics-address"), metricsPort, registry -> ShardMetrics.register(registry, server));
        ShardLifecycle lifecycle = ShardLifecycle.watch(server, settings)) {
      System.out.println(LISTENING + " " + server.port());
      System.out.flush();
      String reason = lifecycle.finished().get();
      stop(server, statusFile, reason);
    }
    try {
      Runtime.getRuntime().removeShutdownHook(onSignal);
    } catch (IllegalStateException shuttingDown) {
      // a signal arrived meanwhile; its hook stops the server too
    }
    return 0;
  }

  /** Stops the server gracefully, writes its final status file and prints its final status line. */
  private static void stop(ShardServer server, ShardStatusWriter statusFile, String reason) {
    server.stop();
    statusFile.finish(reason);
    System.out.println(ShardLifecycle.finalLine(server.snapshot(), reason));
    System.out.flush();
  }
}
