package io.impetus.local;

import io.impetus.cli.CheckpointFlags;
import io.impetus.cli.ClipFlags;
import io.impetus.cli.TokenFlags;
import io.impetus.cli.Command;
import io.impetus.cli.ConsistencyFlags;
import io.impetus.cli.EnvVar;
import io.impetus.cli.Flags;
import io.impetus.cli.OptimizerFlags;
import io.impetus.cli.LayoutFlags;
import io.impetus.cli.ServerCommand;
import io.impetus.cli.UsageException;
import io.impetus.cli.WorkerCommand;
import io.impetus.client.Transport;
import io.impetus.data.Batcher;
import io.impetus.local.hosts.LinkRate;
import io.impetus.local.hosts.SimulatedHosts;
import io.impetus.model.DataOptions;
import io.impetus.model.ModelCatalog;
import io.impetus.model.Workload;
import io.impetus.optim.OptimizerConfig;
import io.impetus.shard.ConsistencyMode;
import io.impetus.shard.ServerConfig;
import io.impetus.train.WorkerDelay;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import io.impetus.train.TrainingPlan;
import io.impetus.wire.ShardPlan;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** {@code impetus local}: shards and workers as processes on this machine, one command. */
public final class LocalCommand implements Command {
  /** SGD with momentum 0.8 (impetus server's default momentum is PyTorch's 0; both helps say so). */
  public static final OptimizerConfig DEFAULT_OPTIMIZER = OptimizerConfig.sgd(0.01, 0.8);

  /**
   * The variables {@code impetus local} reads: the JVM options of its child processes, their BLAS
   * threads, and the fallbacks it shares with {@code impetus worker} and {@code server}.
   */
  public static final List<EnvVar> ENVIRONMENT = List.of(
      EnvVar.of("IMPETUS_WORKER_JAVA_OPTS", "JVM options of the worker processes, replacing the defaults below"),
      EnvVar.of("IMPETUS_SHARD_JAVA_OPTS", "JVM options of the shard processes, replacing the defaults below"),
      EnvVar.of("IMPETUS_WORKER_EXTRA_JAVA_OPTS", "JVM options added to the workers' (defaults kept)"),
      EnvVar.of("IMPETUS_SHARD_EXTRA_JAVA_OPTS", "JVM options added to the shards' (defaults kept)"),
      EnvVar.of("OPENBLAS_NUM_THREADS", "native BLAS threads per worker (default (cores - 1) / workers)"),
      EnvVar.forFlag("IMPETUS_TRANSPORT", "transport"),
      EnvVar.forFlag("IMPETUS_WIRE_PRECISION", "wire-precision"),
      EnvVar.forFlag("IMPETUS_SHM_DIR", "shm-dir"),
      EnvVar.forFlag("IMPETUS_OVERLAP", "overlap", "when true"),
      EnvVar.forFlag("IMPETUS_NO_DOORBELL", "no-doorbell", "when true"),
      ClipFlags.ENVIRONMENT,
      TokenFlags.ENVIRONMENT);

  /** Old flag names, accepted for one release: the fault-injection flags are named as on impetus worker. */
  static final Map<String, String> RENAMED = Map.of("straggler", "slowdown", "crash-worker", "crash-at-step");

  /**
   * An environment variable of {@link #ENVIRONMENT} from this process's environment, or null.
   *
   * @throws IllegalStateException for a variable help does not list
   */
  static String env(String name) {
    if (ENVIRONMENT.stream().noneMatch(e -> e.name().equals(name))) {
      throw new IllegalStateException(name + " is read but not in impetus local's environment table (its help)");
    }
    return System.getenv(name);
  }

  private List<String> rawArgs = List.of();

  /**
   * The workload {@link #parse} built to check the flags against (it needs the training set's size):
   * {@link #run} reuses it rather than reading and decoding the data set a second time.
   */
  private Workload parsedWorkload;

  @Override
  public String name() {
    return "local";
  }

  @Override
  public String summary() {
    return "train with S shard processes and N workers on this machine";
  }

  @Override
  public String footer() {
    return "\nDefaults: model mlp-x2, 2 shards, 4 workers, async, sgd momentum 0.8, lr 0.01, batch 32, 12 epochs.\n"
        + "Writes summary.json, metrics.csv, loss.png, command.txt and logs/ to the run folder.\n"
        + "Child JVMs: by default, workers of models whose arithmetic is native BLAS or tiny run with\n"
        + "-XX:TieredStopAtLevel=1, shards compile only Impetus's code with C2 (logs/shard-jit-directives.json),\n"
        + "and both map class-data-sharing archives kept next to the jar (dumped by the first run after a build).\n"
        + "Examples: impetus local --model quadratic --optimizer sgd --momentum 0.9 --lr 0.02 --mode sync --workers 2\n"
        + "          impetus local --model mlp --workers 4 --worker-processes 1   (the 4 workers as threads of one JVM)\n"
        + "          impetus local --simulate-hosts --link-rate 1gbit --model linear   (as root: each process on its own\n"
        + "            simulated host, links shaped to 1 Gbit/s; --simulate-hosts alone means --link-rate 1gbit)";
  }

  @Override
  public List<EnvVar> environment() {
    return ENVIRONMENT;
  }

  @Override
  public Map<String, String> renamedFlags() {
    return RENAMED;
  }

  @Override
  public Options options() {
    Options o = new Options();
    o.addOption(OptimizerFlags.valued("shards", "S", "shard processes (default 2)"));
    o.addOption(OptimizerFlags.valued("workers", "N", "workers (default 4)"));
    o.addOption(OptimizerFlags.valued("worker-processes", "P",
        "JVMs the workers run in (default N, a process per worker); with fewer, workers share JVMs as threads:"
            + " one start-up and one JIT for several workers, at the price of their isolation (a worker named by"
            + " --crash-at-step still gets a process of its own)"));
    ConsistencyFlags.addTo(o);
    ClipFlags.addTo(o);
    TokenFlags.addTo(o, "the shards require it and the workers send it");
    o.addOption(Option.builder().longOpt("tls")
        .desc("mutual TLS everywhere: makes a CA and shard and worker certificates in RUN_DIR/tls (impetus certs),"
            + " every shard requires a client certificate, and every worker and the launcher's own calls present"
            + " one; combines with --token-file (docs/security.md)").get());
    CheckpointFlags.addTo(o, "default: RUN_DIR/checkpoints, which then holds at least each shard's final checkpoint"
        + " (replacing an earlier run's unless --checkpoint-interval is given: then the shards continue from it)");
    WorkerCommand.addTraining(o);
    OptimizerFlags.addTo(o, DEFAULT_OPTIMIZER, "impetus server's default is "
        + ServerCommand.DEFAULT_OPTIMIZER.momentum() + ", PyTorch's");
    o.addOption(Option.builder().longOpt("no-doorbell")
        .desc("the shards offer no doorbell: workers send each shared-memory push's header on a header stream"
            + " (PushPullSharedStream) instead of the shards' Unix-domain socket").get());
    o.addOption(Option.builder().longOpt("simulate-hosts")
        .desc("every shard and worker on a simulated host of its own: a network namespace with its own address"
            + " in 198.18.0.0/15 on a bridge, its own /dev/shm, links shaped by --link-rate; the workers use"
            + " gRPC. Needs root, iproute2 (ip, tc) and unshare; see docs/simulated-hosts.md").get());
    o.addOption(OptimizerFlags.valued("link-rate", "RATE",
        "with --simulate-hosts: each host's link rate, both directions, in tc syntax (1gbit, 10gbit, 500mbit),"
            + " or none for unshaped links (default 1gbit)"));
    o.addOption(OptimizerFlags.valued("out", "DIR", "run folder (default runs/<timestamp>-<model>)"));
    o.addOption(OptimizerFlags.valued("resume", "RUN_DIR",
        "continue the stopped or crashed run in RUN_DIR from its newest complete checkpoint to its planned end, with"
            + " the flags in its command.txt (no other flag but --no-progress may be given; docs/checkpoints.md)"));
    o.addOption(Option.builder().longOpt("no-progress").desc("no progress bar").get());
    o.addOption(OptimizerFlags.valued("worker-delay", "DELAY",
        "every worker sleeps this long at every step, in ms: fixed:MS, uniform:LO:HI, exponential:MEAN, lognormal:MEDIAN:SIGMA"));
    o.addOption(Option.builder().longOpt("slowdown").hasArg().argName("RANK:FACTOR")
        .desc("fault injection: worker RANK computes FACTOR times slower, a straggler (repeatable)").get());
    o.addOption(Option.builder().longOpt("crash-at-step").hasArg().argName("RANK:STEP")
        .desc("fault injection: worker RANK dies abruptly after step STEP (repeatable); the run goes on without it").get());
    o.addOption(Option.builder().longOpt("crash-shard").hasArg().argName("I:V")
        .desc("fault injection: shard I dies abruptly (exit 137, as after SIGKILL) when its version reaches V, and is"
            + " restarted on the same port from its newest checkpoint (repeatable; needs --checkpoint-interval;"
            + " summary.json reports the restart under restarts; docs/checkpoints.md)").get());
    return o;
  }

  /** Remembers the arguments as typed, for the run folder's command.txt. */
  public LocalCommand withArgs(List<String> args) {
    this.rawArgs = List.copyOf(args);
    return this;
  }

  /**
   * {@code --token-file} as an absolute path (the shards and workers run in other folders), checked
   * now so that a bad file is refused before any process starts; null without the flag.
   */
  static Path tokenFile(Flags f) {
    TokenFlags.parse(f);
    Path file = TokenFlags.file(f);
    return file == null ? null : file.toAbsolutePath();
  }

  /** The config the flags describe. */
  public LocalConfig parse(Flags f) {
    String model = f.stringOr("model", "mlp-x2");
    if (!ModelCatalog.names().contains(model)) {
      throw new UsageException("--model: unknown model '" + model + "' (expected " + String.join(", ", ModelCatalog.names()) + ")");
    }
    Long epochs = f.longOrNull("epochs");
    try {
      int shards = f.integer("shards", 2);
      int workers = f.integer("workers", 4);
      int batchSize = f.integer("batch-size", 32);
      ServerConfig server = ConsistencyFlags.apply(f,
          new ServerConfig("127.0.0.1", 0, 0, shards, workers, ConsistencyMode.ASYNC, DEFAULT_OPTIMIZER));
      ConsistencyMode mode = server.mode();
      Integer epochCount = epochs == null ? null : Math.toIntExact(epochs);
      LinkRate simulatedHosts = simulatedHosts(f);
      DataOptions data = WorkerCommand.dataOptions(f);
      parsedWorkload = ModelCatalog.create(model, data);
      long stepsPerWorker = stepsPerWorker(parsedWorkload, shards, workers, batchSize, epochCount,
          f.longOrNull("steps"));
      // The shards count updates: one per step in sync mode, one per worker step in async mode.
      long updates = mode == ConsistencyMode.SYNC ? stepsPerWorker : stepsPerWorker * workers;
      Path out = f.has("out") ? Path.of(f.string("out"))
          : Path.of("runs", LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + "-" + model);
      server = new ServerConfig(server.host(), 0, 0, shards, workers, mode, server.backupWorkers(),
          server.stalenessBound(), server.workerTimeoutMillis(), server.policy(),
          OptimizerFlags.parse(f, DEFAULT_OPTIMIZER, updates))
          .withSharedMemoryDir(WorkerCommand.shmDir(f)).withDoorbell(ServerCommand.doorbell(f))
          .withCheckpoints(CheckpointFlags.parse(f, out.resolve("checkpoints"))).withClipGradNorm(ClipFlags.parse(f))
          // The shards refuse any Join but of the workers' model, before allocating anything.
          .withLayoutLimits(LayoutFlags.forModel(parsedWorkload.model().layout()));
      return new LocalConfig(
          shards,
          server,
          model,
          batchSize,
          epochCount,
          f.longOrNull("steps"),
          f.longOrNull("seed") == null ? 42 : f.longOrNull("seed"),
          out,
          f.integer("log-every", 1),
          !f.has("no-progress"),
          f.choice("worker-delay", WorkerDelay.none(), WorkerDelay::parse),
          pairs(f, "slowdown", Double::parseDouble),
          pairs(f, "crash-at-step", Long::parseLong),
          pairs(f, "crash-shard", Long::parseLong),
          data,
          WorkerCommand.overlap(f),
          transport(f, simulatedHosts),
          WorkerCommand.wirePrecision(f),
          f.integer("worker-processes", workers),
          simulatedHosts,
          rawArgs.isEmpty() ? List.of("local") : rawArgs,
          tokenFile(f),
          f.has("tls"));
    } catch (io.impetus.data.DataFileException e) {
      throw e;
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw new UsageException(e.getMessage());
    }
  }

  /** {@code --simulate-hosts} with its {@code --link-rate}, or null without simulated hosts. */
  static LinkRate simulatedHosts(Flags f) {
    if (!f.has("simulate-hosts")) {
      if (f.has("link-rate")) {
        throw new UsageException("--link-rate needs --simulate-hosts");
      }
      return null;
    }
    return f.has("link-rate") ? f.choice("link-rate", LinkRate.DEFAULT, LinkRate::parse) : LinkRate.DEFAULT;
  }

  /**
   * The workers' transport. On simulated hosts {@code auto} becomes {@code grpc}: every worker would
   * otherwise offer each shard a shared-memory segment that it cannot map, and only then fall back.
   */
  static Transport transport(Flags f, LinkRate simulatedHosts) {
    Transport t = WorkerCommand.transport(f);
    return simulatedHosts != null && t == Transport.AUTO ? Transport.GRPC : t;
  }

  /** Repeated RANK:VALUE flags, each also a comma-separated list, as a map. */
  private static <T> Map<Integer, T> pairs(Flags f, String flag, Function<String, T> value) {
    Map<Integer, T> out = new TreeMap<>();
    for (String pair : f.all(flag).stream().flatMap(v -> java.util.Arrays.stream(v.split(","))).toList()) {
      String[] parts = pair.split(":");
      try {
        if (parts.length != 2) {
          throw new NumberFormatException();
        }
        out.put(Integer.parseInt(parts[0].trim()), value.apply(parts[1].trim()));
      } catch (NumberFormatException e) {
        throw new UsageException("--" + flag + " expects RANK:VALUE, got '" + pair + "'");
      }
    }
    return out;
  }

  /** Steps each worker takes; checks on the way that the model can be sharded and the data shared. */
  static long stepsPerWorker(Workload workload, int shards, int workers, int batchSize, Integer epochs, Long steps) {
    if (shards < 1 || workers < 1 || batchSize < 1) {
      throw new IllegalArgumentException("--shards, --workers and --batch-size must be at least 1");
    }
    new ShardPlan(workload.model().layout().numParams(), shards);
    int stepsPerEpoch = workload.hasTrainingData()
        ? Batcher.agreedStepsPerEpoch(workload.train().size(), workers, batchSize)
        : 0;
    return TrainingPlan.totalSteps(epochs, steps, stepsPerEpoch);
  }

  @Override
  public int run(Flags flags) throws Exception {
    if (flags.has("resume")) {
      return resume(flags);
    }
    LocalConfig config = parse(flags);
    if (config.simulateHosts()) {
      String missing = SimulatedHosts.missingPrerequisite();
      if (missing != null) {
        System.err.println("impetus local: --simulate-hosts " + missing);
        return 2;
      }
    }
    if (!flags.has("checkpoint-dir") && !flags.has("checkpoint-interval")) {
      // The run folder's own checkpoints, like its other files, are this run's: an earlier run's would be restored.
      RunFolder.deleteTree(config.server().checkpoints().dir());
    }
    Workload workload = parsedWorkload;
    long stepsPerWorker = stepsPerWorker(workload, config.shards(), config.workers(), config.batchSize(),
        config.epochs(), config.steps());
    return new LocalLauncher(config, workload, stepsPerWorker).run();
  }

  /** The flags {@code --resume} may be given with: none of them changes the plan. */
  static final Set<String> RESUME_FLAGS = Set.of("resume", "no-progress");

  /**
   * {@code impetus local --resume RUN_DIR}: the run command.txt describes, continued from the newest
   * checkpoint every shard holds complete into the same run folder.
   */
  private int resume(Flags flags) throws Exception {
    for (Option given : flags.commandLine().getOptions()) {
      if (!RESUME_FLAGS.contains(given.getLongOpt())) {
        throw new UsageException("--resume continues the run with the flags it was planned with (RUN_DIR/command.txt);"
            + " --" + given.getLongOpt() + " cannot be given with it");
      }
    }
    Path runDir = Path.of(flags.string("resume"));
    LocalConfig config;
    try {
      config = parse(resumedFlags(runDir, flags.has("no-progress")));
    } catch (java.io.IOException | IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    long stepsPerWorker = stepsPerWorker(parsedWorkload, config.shards(), config.workers(), config.batchSize(),
        config.epochs(), config.steps());
    Path checkpoints = config.server().checkpoints().dir();
    ResumePoint point;
    try {
      point = ResumePoint.find(checkpoints, config.shards(), config.workers(), config.mode());
    } catch (IllegalArgumentException e) {
      throw new UsageException("--resume: " + e.getMessage());
    }
    if (point.startSteps().stream().allMatch(s -> s >= stepsPerWorker)) {
      throw new UsageException("--resume: the run in " + runDir + " is complete: its checkpoint version "
          + point.version() + " is past its last step (" + stepsPerWorker + " per worker)");
    }
    point.dropNewerCheckpoints(checkpoints, config.shards());
    System.out.printf(java.util.Locale.ROOT, "impetus local: resuming %s from checkpoint version %d; workers start at"
        + " steps %s of %d%n", runDir, point.version(), point.startSteps(), stepsPerWorker);
    return new LocalLauncher(config, parsedWorkload, stepsPerWorker, point).run();
  }

  /**
   * The flags of the run in {@code runDir}, as its command.txt records them, with the run folder
   * {@code runDir} (wherever the run was started from) and {@code --no-progress} when asked for.
   */
  private Flags resumedFlags(Path runDir, boolean noProgress) throws Exception {
    List<String> planned = RunFolder.plannedCommand(runDir);
    List<String> args = new java.util.ArrayList<>();
    for (int i = 1; i < planned.size(); i++) {
      String a = planned.get(i);
      if (a.equals("--out")) {
        i++; // and its value
      } else if (!a.startsWith("--out=")) {
        args.add(a);
      }
    }
    args.addAll(List.of("--out", runDir.toString()));
    if (noProgress && !args.contains("--no-progress")) {
      args.add("--no-progress");
    }
    withArgs(planned);
    return Flags.parse(this, "local", args, System.getenv(), System.err);
  }
}
