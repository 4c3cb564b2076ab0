package io.impetus.cli;

import io.impetus.client.ChannelSecurity;
import io.impetus.client.Transport;
import io.impetus.client.WirePrecision;
import io.impetus.local.RunLayout;
import io.impetus.local.WorkerSettings;
import io.impetus.model.DataOptions;
import io.impetus.model.ModelCatalog;
import io.impetus.train.WorkerConfig;
import io.impetus.train.WorkerDelay;
import io.impetus.train.WorkerMetrics;
import io.impetus.train.WorkerProcess;
import io.impetus.wire.SharedSegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** {@code impetus worker}: trains on one partition of the data against the shards. */
public final class WorkerCommand implements Command {

  @Override
  public String name() {
    return "worker";
  }

  @Override
  public String summary() {
    return "train one data partition against the parameter-server shards";
  }

  @Override
  public String footer() {
    return "\nExample: impetus worker --servers localhost:7070,localhost:7071 --rank 1 --workers 4 --model mlp-x2\n"
        + "Models: " + String.join(", ", ModelCatalog.names()) + ". Without --epochs or --steps a model with data\n"
        + "trains 12 epochs; quadratic (no data) trains 500 steps.";
  }

  /** The variables {@code impetus worker} reads, all flag fallbacks (what Kubernetes sets). */
  public static final List<EnvVar> ENVIRONMENT = EnvVar.join(List.of(
      EnvVar.forFlag("IMPETUS_SERVERS", "servers"),
      EnvVar.forFlag("IMPETUS_SHARD_SERVICE", "shard-service"),
      EnvVar.forFlag("IMPETUS_NUM_SHARDS", "num-shards"),
      EnvVar.forFlag("IMPETUS_PORT", "shard-port", "the shards' IMPETUS_PORT, shared in a cluster's ConfigMap"),
      EnvVar.forFlag("IMPETUS_RANK", "rank"),
      EnvVar.forFlag("RANK", "rank", "after IMPETUS_RANK; the name PyTorch and Kubeflow use"),
      EnvVar.forFlag("JOB_COMPLETION_INDEX", "rank", "after IMPETUS_RANK and RANK; set in an Indexed Job's pods"),
      EnvVar.forFlag("IMPETUS_WORKERS", "workers"),
      EnvVar.forFlag("WORLD_SIZE", "workers", "after IMPETUS_WORKERS; the number of workers"),
      EnvVar.forFlag("IMPETUS_MODEL", "model"),
      EnvVar.forFlag("IMPETUS_DATA_DIR", "data-dir"),
      EnvVar.forFlag("IMPETUS_BATCH_SIZE", "batch-size"),
      EnvVar.forFlag("IMPETUS_EPOCHS", "epochs"),
      EnvVar.forFlag("IMPETUS_SEED", "seed"),
      EnvVar.forFlag("IMPETUS_CONNECT_TIMEOUT", "connect-timeout"),
      EnvVar.forFlag("IMPETUS_CALL_TIMEOUT", "call-timeout"),
      EnvVar.forFlag("IMPETUS_METRICS_PORT", "metrics-port"),
      MetricsEndpoint.ADDRESS_ENVIRONMENT,
      TokenFlags.ENVIRONMENT,
      EnvVar.forFlag("IMPETUS_OVERLAP", "overlap", "when true"),
      EnvVar.forFlag("IMPETUS_TRANSPORT", "transport"),
      EnvVar.forFlag("IMPETUS_SHM_DIR", "shm-dir"),
      EnvVar.forFlag("IMPETUS_STALENESS_FILE", "staleness-file"),
      EnvVar.forFlag("IMPETUS_RUN_DIR", "run-dir"),
      EnvVar.forFlag("IMPETUS_WIRE_PRECISION", "wire-precision")), TlsFlags.CLIENT_ENVIRONMENT);

  @Override
  public List<EnvVar> environment() {
    return ENVIRONMENT;
  }

  @Override
  public Options options() {
    Options o = new Options();
    o.addOption(OptimizerFlags.valued("servers", "LIST", "shard addresses host:port,host:port,... in shard order"));
    o.addOption(OptimizerFlags.valued("shard-service", "NAME", "instead of --servers, in a cluster: the shards'"
        + " headless Service, which their Indexed Job shares (shard i is NAME-i.NAME), or a host pattern with {i}"
        + " for the index (e.g. impetus-ps-0-{i}.impetus-ps for a JobSet); with --num-shards and --shard-port"));
    o.addOption(OptimizerFlags.valued("num-shards", "S", "with --shard-service: the number of shards"));
    o.addOption(OptimizerFlags.valued("shard-port", "P", "with --shard-service: the shards' gRPC port (default 7070)"));
    o.addOption(OptimizerFlags.valued("rank", "R", "this worker's rank in [0, workers) (default 0)"));
    o.addOption(OptimizerFlags.valued("workers", "N", "number of workers sharing the data (default 1)"));
    addTraining(o);
    o.addOption(OptimizerFlags.valued("metrics-file", "CSV", "write one row per logged step to this CSV file"));
    o.addOption(OptimizerFlags.valued("report-file", "JSON", "write the worker's totals to this JSON file at the end"));
    o.addOption(OptimizerFlags.valued("staleness-file", "CSV",
        "write one row per update a shard applied for this worker (shard,version,staleness,worker_step) to this CSV file"));
    o.addOption(OptimizerFlags.valued("run-dir", "DIR",
        "the run folder shared with the shards (in a cluster, a volume): the worker writes its settings, metrics,"
            + " staleness and report files under DIR/workers (worker-R-settings.json, worker-R.csv,"
            + " worker-R-staleness.csv, worker-R.json) unless --metrics-file, --staleness-file or --report-file say"
            + " otherwise; impetus summarize DIR reads them"));
    o.addOption(Option.builder().longOpt("report-progress").desc("print machine-readable progress lines (used by impetus local)").get());
    o.addOption(OptimizerFlags.valued("connect-timeout", "SECONDS",
        "how long to wait for the shards to be reachable and joined (default 60)"));
    o.addOption(OptimizerFlags.valued("call-timeout", "SECONDS",
        "deadline of each call to a shard; a push-pull may take this plus two of the shard's leases (default "
            + WorkerConfig.DEFAULT_CALL_TIMEOUT_SECONDS + ")"));
    o.addOption(OptimizerFlags.valued("metrics-port", "PORT", "serve Prometheus metrics on this port (0: any free port; default: none)"));
    MetricsEndpoint.addAddressTo(o);
    TokenFlags.addTo(o, "every call to the shards carries it");
    TlsFlags.addClientTo(o, "the worker");
    o.addOption(OptimizerFlags.valued("worker-delay", "DELAY",
        "sleep this long at every step, in ms: none, fixed:MS, uniform:LO:HI, exponential:MEAN, lognormal:MEDIAN:SIGMA (seeded)"));
    o.addOption(OptimizerFlags.valued("slowdown", "FACTOR",
        "fault injection: compute FACTOR times slower than possible, a straggler (default 1; impetus local: --slowdown RANK:FACTOR)"));
    o.addOption(OptimizerFlags.valued("start-step", "STEP",
        "the first step to take (default 0): the batches of earlier steps are skipped, so a run resumed from a"
            + " checkpoint continues the planned data order (impetus local --resume sets it)"));
    o.addOption(OptimizerFlags.valued("crash-at-step", "STEP",
        "fault injection: the process dies abruptly after step STEP (impetus local: --crash-at-step RANK:STEP)"));
    o.addOption(Option.builder().longOpt("evaluate")
        .desc("evaluate test loss and accuracy after every epoch (one designated worker should)").get());
    return o;
  }

  /** Flags shared with {@code impetus local}. */
  public static void addTraining(Options o) {
    o.addOption(OptimizerFlags.valued("model", "NAME", "model to train: " + String.join(", ", ModelCatalog.names()) + " (default mlp-x2)"));
    o.addOption(OptimizerFlags.valued("batch-size", "B", "examples per minibatch (default 32)"));
    o.addOption(OptimizerFlags.valued("epochs", "E", "passes over each worker's partition (default 12)"));
    o.addOption(OptimizerFlags.valued("steps", "K", "steps per worker; overrides --epochs"));
    o.addOption(OptimizerFlags.valued("seed", "SEED", "seeds data, initial parameters and shuffles (default 42)"));
    o.addOption(OptimizerFlags.valued("log-every", "K", "log and record metrics every K steps (default 1)"));
    o.addOption(OptimizerFlags.valued("dataset", "NAME",
        "image data for softmax, mlp and cnn: fashion-mnist or mnist (default fashion-mnist)"));
    o.addOption(OptimizerFlags.valued("data-dir", "DIR",
        "folder with the IDX files (default: the Debian package's, /usr/share/datasets/fashion-mnist)"));
    o.addOption(OptimizerFlags.valued("hidden", "W1,W2,...", "hidden widths of the mlp model (default 256,128)"));
    o.addOption(Option.builder().longOpt("overlap")
        .desc("compute the next gradient while the previous push-pull is in flight: hides the round trip behind the"
            + " compute at the price of one more step of staleness (measured like any other)").get());
    o.addOption(OptimizerFlags.valued("transport", "KIND",
        "how gradients and parameters travel: auto (shared memory with shards on this host, gRPC messages with the"
            + " others), grpc (always gRPC messages) or shm (shared memory, else fail) (default auto)"));
    o.addOption(OptimizerFlags.valued("shm-dir", "DIR",
        "folder for shared-memory segments, the shards' --shm-dir (default " + SharedSegment.DEFAULT_DIR + ")"));
    o.addOption(OptimizerFlags.valued("wire-precision", "BITS",
        "floats on the grpc path (not shared memory): fp32, or bf16 (bfloat16 gradients up and parameters back, half"
            + " the bytes; the shards keep fp32 parameters and optimizer state) (default fp32)"));
  }

  /** {@code --wire-precision}, or IMPETUS_WIRE_PRECISION; fp32 by default. */
  public static WirePrecision wirePrecision(Flags f) {
    return named(f, "wire-precision", WirePrecision.FP32, WirePrecision::parse);
  }

  /** The choice {@code flag} names, or {@code fallback}; {@code parse}'s error (naming the flag) as a usage error. */
  private static <T> T named(Flags f, String flag, T fallback, Function<String, T> parse) {
    String name = f.string(flag);
    try {
      return name == null ? fallback : parse.apply(name);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }

  /** {@code --transport}, or IMPETUS_TRANSPORT; auto by default. */
  public static Transport transport(Flags f) {
    return named(f, "transport", Transport.AUTO, Transport::parse);
  }

  /** {@code --shm-dir}, or IMPETUS_SHM_DIR; /dev/shm by default. */
  public static Path shmDir(Flags f) {
    String dir = f.string("shm-dir");
    return dir == null ? SharedSegment.DEFAULT_DIR : Path.of(dir);
  }

  /** {@code --overlap}, or IMPETUS_OVERLAP=true. */
  public static boolean overlap(Flags f) {
    return f.enabled("overlap");
  }

  /** The data options the flags describe. */
  public static DataOptions dataOptions(Flags f) {
    DataOptions d = DataOptions.defaults();
    try {
      if (f.has("dataset")) {
        d = d.withDataset(f.string("dataset"));
      }
      if (f.string("data-dir") != null) { // the flag, or IMPETUS_DATA_DIR for a worker (a mounted volume)
        d = d.withDataDir(Path.of(f.string("data-dir")));
      }
      if (f.has("hidden")) {
        d = d.withHidden(DataOptions.parseHidden(f.string("hidden")));
      }
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    return d;
  }

  /** The flags that reproduce {@code d}. */
  public static List<String> dataArgs(DataOptions d) {
    List<String> a = new ArrayList<>();
    OptimizerFlags.add(a, "dataset", d.dataset());
    if (d.dataDir() != null) {
      OptimizerFlags.add(a, "data-dir", d.dataDir().toString());
    }
    OptimizerFlags.add(a, "hidden", Arrays.stream(d.hidden()).mapToObj(Integer::toString)
        .collect(java.util.stream.Collectors.joining(",")));
    return a;
  }

  /** The shards' addresses: --servers, or derived from --shard-service, --num-shards and --shard-port. */
  static List<String> servers(Flags f) {
    String servers = f.string("servers");
    String service = f.string("shard-service");
    if (servers != null && service != null) {
      throw new UsageException("give --servers (IMPETUS_SERVERS) or --shard-service (IMPETUS_SHARD_SERVICE), not both");
    }
    if (service != null) {
      Long shards = f.longOrNull("num-shards");
      if (shards == null) {
        throw new UsageException("--shard-service needs --num-shards (or IMPETUS_NUM_SHARDS)");
      }
      return ShardAddresses.of(service, Math.toIntExact(Math.min(shards, Integer.MAX_VALUE)), f.integer("shard-port", 7070));
    }
    if (servers == null) {
      throw new UsageException("--servers is required (or set IMPETUS_SERVERS), or --shard-service with --num-shards");
    }
    return Arrays.stream(servers.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  /**
   * What a client's channels carry for the shards to trust it: {@code --token-file} and the client's TLS
   * flags, every file checked now (shared with {@code impetus local}, whose own clients are workers too).
   */
  public static ChannelSecurity security(Flags f) {
    return new ChannelSecurity(TokenFlags.parse(f), TlsFlags.client(f));
  }

  /** The flags that reproduce {@code security}: the token's file and the TLS files. */
  public static List<String> securityArgs(ChannelSecurity security) {
    List<String> a = new ArrayList<>(TokenFlags.toArgs(security.token() == null ? null : security.token().file()));
    a.addAll(TlsFlags.toArgs(security.tls()));
    return a;
  }

  /** {@code flag}'s file, else the file {@code inRunDir} names in the {@code --run-dir} folder, else null. */
  private static Path file(Flags f, String flag, Function<Path, Path> inRunDir) {
    if (f.string(flag) != null) {
      return Path.of(f.string(flag));
    }
    Path runDir = runDir(f);
    return runDir == null ? null : inRunDir.apply(runDir);
  }

  /** {@code --run-dir} (or IMPETUS_RUN_DIR), or null. */
  static Path runDir(Flags f) {
    String dir = f.string("run-dir");
    return dir == null ? null : Path.of(dir);
  }

  /** The config the flags describe. */
  public static WorkerConfig parse(Flags f) {
    List<String> servers = servers(f);
    int rank = f.integer("rank", 0);
    String model = f.stringOr("model", "mlp-x2");
    if (!ModelCatalog.names().contains(model)) {
      throw new UsageException("--model: unknown model '" + model + "' (expected " + String.join(", ", ModelCatalog.names()) + ")");
    }
    Long epochs = f.longOrNull("epochs");
    try {
      return new WorkerConfig(
          servers,
          rank,
          f.integer("workers", 1),
          model,
          f.integer("batch-size", 32),
          epochs == null ? null : Math.toIntExact(epochs),
          f.longOrNull("steps"),
          f.longOrNull("seed") == null ? 42 : f.longOrNull("seed"),
          file(f, "metrics-file", dir -> RunLayout.workerMetrics(dir, rank)),
          file(f, "report-file", dir -> RunLayout.workerReport(dir, rank)),
          f.integer("log-every", 1),
          f.has("report-progress"),
          f.integer("connect-timeout", 60),
          f.choice("worker-delay", WorkerDelay.none(), WorkerDelay::parse),
          f.number("slowdown", 1.0),
          f.longOrNull("crash-at-step"),
          dataOptions(f),
          f.has("evaluate"),
          overlap(f),
          transport(f),
          shmDir(f),
          file(f, "staleness-file", dir -> RunLayout.workerStaleness(dir, rank)),
          wirePrecision(f),
          f.longOrNull("start-step") == null ? 0 : f.longOrNull("start-step"),
          f.integer("call-timeout", (int) WorkerConfig.DEFAULT_CALL_TIMEOUT_SECONDS),
          security(f));
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw new UsageException(e.getMessage());
    }
  }

  /** The arguments (after {@code worker}) that reproduce {@code c}. */
  public static List<String> toArgs(WorkerConfig c) {
    List<String> a = new ArrayList<>();
    OptimizerFlags.add(a, "servers", String.join(",", c.servers()));
    OptimizerFlags.add(a, "rank", Integer.toString(c.rank()));
    OptimizerFlags.add(a, "workers", Integer.toString(c.workers()));
    OptimizerFlags.add(a, "model", c.model());
    OptimizerFlags.add(a, "batch-size", Integer.toString(c.batchSize()));
    if (c.epochs() != null) {
      OptimizerFlags.add(a, "epochs", Integer.toString(c.epochs()));
    }
    if (c.steps() != null) {
      OptimizerFlags.add(a, "steps", Long.toString(c.steps()));
    }
    OptimizerFlags.add(a, "seed", Long.toString(c.seed()));
    if (c.metricsFile() != null) {
      OptimizerFlags.add(a, "metrics-file", c.metricsFile().toString());
    }
    if (c.reportFile() != null) {
      OptimizerFlags.add(a, "report-file", c.reportFile().toString());
    }
    OptimizerFlags.add(a, "log-every", Integer.toString(c.logEvery()));
    if (c.reportProgress()) {
      a.add("--report-progress");
    }
    OptimizerFlags.add(a, "connect-timeout", Long.toString(c.connectTimeoutSeconds()));
    if (c.callTimeoutSeconds() != WorkerConfig.DEFAULT_CALL_TIMEOUT_SECONDS) {
      OptimizerFlags.add(a, "call-timeout", Long.toString(c.callTimeoutSeconds()));
    }
    OptimizerFlags.add(a, "worker-delay", c.delay().spec());
    OptimizerFlags.add(a, "slowdown", Double.toString(c.slowdown()));
    if (c.crashAtStep() != null) {
      OptimizerFlags.add(a, "crash-at-step", Long.toString(c.crashAtStep()));
    }
    a.addAll(dataArgs(c.data()));
    if (c.evaluate()) {
      a.add("--evaluate");
    }
    if (c.overlap()) {
      a.add("--overlap");
    }
    OptimizerFlags.add(a, "transport", c.transport().cliName());
    OptimizerFlags.add(a, "shm-dir", c.shmDir().toString());
    if (c.stalenessFile() != null) {
      OptimizerFlags.add(a, "staleness-file", c.stalenessFile().toString());
    }
    OptimizerFlags.add(a, "wire-precision", c.wirePrecision().cliName());
    if (c.startStep() > 0) {
      OptimizerFlags.add(a, "start-step", Long.toString(c.startStep()));
    }
    a.addAll(securityArgs(c.security()));
    return a;
  }

  @Override
  public int run(Flags flags) throws Exception {
    WorkerConfig config = parse(flags);
    if (runDir(flags) != null) {
      WorkerSettings.write(runDir(flags), config);
    }
    Integer metricsPort = ServerCommand.metricsPort(flags);
    if (metricsPort == null) {
      return WorkerProcess.run(config, step -> {});
    }
    WorkerMetrics[] metrics = new WorkerMetrics[1];
    try (MetricsEndpoint endpoint =
        MetricsEndpoint.start(flags.string("metrics-address"), metricsPort, registry -> metrics[0] = new WorkerMetrics(registry, config.rank()))) {
      return WorkerProcess.run(config, metrics[0]);
    }
  }
}
