package io.impetus.local;

import io.impetus.cli.ServerCommand;
import io.impetus.cli.WorkerCommand;
import io.impetus.client.ChannelSecurity;
import io.impetus.client.Recovery;
import io.impetus.client.ShardChannels;
import io.impetus.client.ShardedClient;
import io.impetus.model.Gemm;
import io.impetus.model.Workload;
import io.impetus.proto.StatusReply;
import io.impetus.shard.ServerConfig;
import io.impetus.shard.ServerSecurity;
import io.impetus.tls.CertificateSet;
import io.impetus.train.WorkerConfig;
import io.impetus.train.WorkerProcess;
import io.impetus.wire.BearerToken;
import io.impetus.wire.Refusal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import io.impetus.local.hosts.SimulatedHost;
import io.impetus.local.hosts.SimulatedHosts;

/**
 * Runs a whole training job on this machine: S shard processes and N workers on loopback, each
 * shard on a free port it picks itself and reports, each worker in a process of its own or, with
 * {@code --worker-processes}, as a thread of a {@link WorkerHost} JVM shared with other workers.
 * Shows progress, and once the workers are done collects the shards' status and final parameters,
 * writes the run folder and stops the shards. Ctrl-C stops every process it started. With
 * {@code --simulate-hosts} every process runs on a simulated host of its own ({@link SimulatedHosts}),
 * built before the shards start and removed once every process has stopped, on Ctrl-C too.
 */
public final class LocalLauncher {
  /** The run folder's sub-folder that holds the certificates of {@code --tls}. */
  public static final String TLS_DIR = "tls";
  /** How long the certificates of a {@code --tls} run are valid: long enough for any local run. */
  static final int TLS_DAYS = 30;
  private final LocalConfig config;
  private final Workload workload;
  private final long stepsPerWorker;
  private final List<ChildProcess> servers = new ArrayList<>();
  private final List<ChildProcess> workers = new ArrayList<>();
  private final ClassArchive classArchive = ClassArchive.forThisJvm();
  private volatile boolean interrupted;
  /** Set once the launcher stops its processes: a shard that dies from then on is not restarted. */
  private volatile boolean stopping;
  private List<String> shardJit = List.of();
  /** The shards restarted after a crash, in the order they came back. */
  private final List<ShardRestart> restarts = new java.util.concurrent.CopyOnWriteArrayList<>();
  /** The run's simulated hosts with {@code --simulate-hosts}, else null. */
  private volatile SimulatedHosts hosts;
  /** Where a resumed run continues from, or null for a run from the start. */
  private final ResumePoint resume;
  /** How every shard guards its edge (token, TLS); set by {@link #secure} before the shards start. */
  private ServerSecurity shardSecurity = ServerSecurity.NONE;
  /** What every client of the run (workers, the launcher itself) presents; set by {@link #secure}. */
  private ChannelSecurity clientSecurity = ChannelSecurity.NONE;

  /**
   * @param workload the model and data the workers will train (used here for the final loss)
   * @param stepsPerWorker steps each worker takes
   */
  public LocalLauncher(LocalConfig config, Workload workload, long stepsPerWorker) {
    this(config, workload, stepsPerWorker, null);
  }

  /**
   * A launcher that continues the run in {@code config.out()} from {@code resume} (null: runs from the
   * start): the shards restore the checkpoint, every worker starts at its step, the run folder keeps
   * the earlier metrics and records the resume.
   */
  public LocalLauncher(LocalConfig config, Workload workload, long stepsPerWorker, ResumePoint resume) {
    this.config = config;
    this.workload = workload;
    this.stepsPerWorker = stepsPerWorker;
    this.resume = resume;
  }

  /**
   * Reads the shards' final parameters into {@code params}. Reading needs a session, so the launcher
   * joins as worker 0 (whose process has finished) and leaves again; if that worker died without
   * leaving, its session holds the id until its lease ends, and the launcher waits for that.
   */
  private static void readFinalParameters(ShardedClient client, float[] params) throws Exception {
    for (int attempt = 1; ; attempt++) {
      try {
        client.joinToRead(params, 60).get(90, TimeUnit.SECONDS);
        client.leave().get(30, TimeUnit.SECONDS);
        return;
      } catch (ExecutionException e) {
        Refusal refusal = Refusal.of(e.getCause());
        if (Recovery.of(refusal) != Recovery.WAIT_AND_JOIN || attempt > 5) {
          throw e;
        }
        Thread.sleep(Math.min(30_000, refusal.metadataLong(Refusal.RETRY_AFTER_MILLIS, 1000) + 50));
      }
    }
  }

  /** Runs the job; returns the exit code (0 when every worker finished). */
  public int run() throws Exception {
    Path out = config.out();
    Files.createDirectories(out);
    RunFolder folder = new RunFolder(out);
    String resumedAt = java.time.Instant.now().toString();
    if (resume == null) {
      folder.writeCommand(config.commandLine());
    } else {
      folder.recordResume(resume.version(), resumedAt);
      folder.keepMetricsBefore(resume.startSteps());
    }
    Thread cleanup = new Thread(() -> {
      interrupted = true;
      stopAll();
      removeHosts();
      classArchive.publish();
      System.err.println("impetus local: interrupted; stopped every server and worker; partial logs in " + out);
    }, "impetus-local-cleanup");
    Runtime.getRuntime().addShutdownHook(cleanup);
    long startMillis = System.currentTimeMillis();
    try {
      System.out.printf(Locale.ROOT, "impetus local: %d shards, %d workers, model %s, %s, %s; run folder %s%n",
          config.shards(), config.workers(), config.model(), config.mode().cliName(),
          config.optimizer().describe(), out);
      if (config.simulateHosts()) {
        hosts = SimulatedHosts.up(config.shards(), config.workers(), config.simulatedHosts());
        System.out.printf(Locale.ROOT, "simulated hosts: %d on %s (bridge %s), links %s%n",
            hosts.plan().hosts().size(), hosts.plan().subnetCidr(), hosts.plan().bridge(), config.simulatedHosts());
      }
      secure(out);
      List<String> addresses = startServers(out);
      int failures = runWorkers(out, addresses);
      List<StatusReply> status;
      float[] finalParams = new float[Math.toIntExact(workload.model().layout().numParams())];
      try (ShardedClient client = connect(addresses)) {
        status = client.status().get(30, TimeUnit.SECONDS);
        readFinalParameters(client, finalParams);
      }
      FinalEvaluation evaluation = FinalEvaluation.of(workload, finalParams);
      Map<String, Object> extras = new java.util.LinkedHashMap<>();
      if (!config.shardCrashes().isEmpty()) {
        extras.put("restarts", ShardRestart.toJson(restarts, status));
      }
      if (resume != null) {
        Map<String, Object> resumedFrom = new java.util.LinkedHashMap<>();
        resumedFrom.put("version", resume.version());
        resumedFrom.put("at", resumedAt);
        extras.put("resumed_from", resumedFrom);
      }
      extras.put("topology", hosts == null ? SimulatedHosts.noTopology() : hosts.topology());
      RunSummary summary = RunSummarizer.write(out, new RunSummarizer.Inputs(settings(out, addresses), status,
          evaluation, RunSummarizer.DIVERGED, startMillis, System.currentTimeMillis(), failures, extras,
          new TimeBreakdown.Traffic(finalParams.length, config.wirePrecision().bytesPerValue(), linkBitsPerSecond())));
      System.out.print(summary.describe());
      for (ShardRestart r : restarts) {
        System.out.println(r.describe(status));
      }
      System.out.println("run folder: " + out);
      // Training went on without lost workers; it failed only if nobody finished.
      return failures < config.workers() ? 0 : 1;
    } finally {
      stopAll();
      removeHosts();
      classArchive.publish();
      try {
        Runtime.getRuntime().removeShutdownHook(cleanup);
      } catch (IllegalStateException shuttingDown) {
        // Ctrl-C: the hook is running already
      }
    }
  }

  /**
   * The run's settings as the shards' status files and the workers' settings files record them (the
   * files {@code impetus summarize} would read).
   */
  private RunSettings settings(Path out, List<String> addresses) {
    return RunSettings.of(ShardStatusFile.settings(config.server()),
        WorkerSettings.of(workerConfig(out, addresses, 0)),
        placement(config.workers(), config.workerProcesses(), config.crashes().keySet()).size());
  }

  /** The rate of every host's link with shaped simulated hosts; 0 on loopback or unshaped links. */
  private double linkBitsPerSecond() {
    return config.simulateHosts() && config.simulatedHosts().shaped() ? config.simulatedHosts().bitsPerSecond() : 0;
  }

  /**
   * Reads the token, and with {@code --tls} makes the run's certificates in {@code RUN_DIR/tls} (replacing
   * those of an earlier start of the same run), with every address a shard listens on as a subject
   * alternative name.
   */
  private void secure(Path out) throws java.io.IOException {
    BearerToken token = config.tokenFile() == null ? null : BearerToken.read(config.tokenFile(), "--token-file");
    shardSecurity = new ServerSecurity(token, null, null);
    clientSecurity = new ChannelSecurity(token, null);
    if (config.tls()) {
      List<String> shardHosts = new ArrayList<>();
      for (int s = 0; s < config.shards(); s++) {
        shardHosts.add(bind(s));
      }
      CertificateSet certs = CertificateSet.create(out.resolve(TLS_DIR).toAbsolutePath(), shardHosts, TLS_DAYS, true);
      shardSecurity = shardSecurity.withTls(certs.shardTls());
      clientSecurity = new ChannelSecurity(token, certs.workerTls());
    }
  }

  /** What shard {@code s} runs as, listening on {@code port} (0: a free one). */
  private ServerConfig shardConfig(int s, int port) {
    return config.server().withAddress(bind(s), port, s).withSecurity(shardSecurity);
  }

  private List<String> startServers(Path out) throws Exception {
    List<CompletableFuture<Integer>> ports = new ArrayList<>();
    // One directives file for all shards, written only when the defaults apply.
    shardJit = LocalCommand.env("IMPETUS_SHARD_JAVA_OPTS") == null
        ? ShardJit.options(out.resolve("logs")) : List.of();
    for (int s = 0; s < config.shards(); s++) {
      CompletableFuture<Integer> port = new CompletableFuture<>();
      ServerConfig sc = shardConfig(s, 0).withCrashAtVersion(config.shardCrashes().getOrDefault(s, 0L));
      servers.add(startServer(out, s, sc, "server-" + s, port));
      ports.add(port);
    }
    List<String> addresses = new ArrayList<>();
    for (int s = 0; s < ports.size(); s++) {
      int port = awaitPort(servers.get(s), ports.get(s));
      addresses.add(bind(s) + ":" + port);
      if (config.shardCrashes().containsKey(s)) {
        superviseCrash(out, s, port);
      }
    }
    return addresses;
  }

  /** Starts shard {@code s}'s process as {@code sc} says; {@code port} completes with the port it listens on. */
  private ChildProcess startServer(Path out, int s, ServerConfig sc, String name, CompletableFuture<Integer> port)
      throws Exception {
    List<String> args = new ArrayList<>(List.of("server"));
    args.addAll(ServerCommand.toArgs(sc));
    // The shard's status file, beside the workers' files: the run folder is complete without the launcher.
    args.addAll(List.of("--run-dir", out.toString()));
    // The shards must outlive the workers: we pull the final parameters after they finish, then stop them.
    args.add("--keep-running");
    boolean firstShard = s == 0 && name.equals("server-0");
    List<String> shardJava = javaOptions("IMPETUS_SHARD_JAVA_OPTS", () ->
        concat(shardJit, classArchive.options(ClassArchive.Role.SHARD, firstShard)));
    return ChildProcess.start(name, onHost(hosts == null ? null : hosts.plan().shard(s)), shardJava,
        "io.impetus.cli.Impetus", args, Map.of(), out.resolve("logs/" + name + ".log"), line -> {
          if (line.startsWith(ServerCommand.LISTENING + " ")) {
            port.complete(Integer.parseInt(line.substring(ServerCommand.LISTENING.length() + 1).trim()));
          }
        });
  }

  /** The port {@code server} listens on, once it says; fails if it exits first or takes over 60 s. */
  private static int awaitPort(ChildProcess server, CompletableFuture<Integer> port) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try {
        return port.get(200, TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        if (!server.isAlive()) {
          throw new IllegalStateException(server.name() + " exited before listening; see " + server.logFile());
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(server.name() + " did not start within 60 s; see " + server.logFile());
        }
      }
    }
  }

  /**
   * Kubernetes' {@code restartPolicy: OnFailure} for shard {@code s}, told to crash: when its process
   * dies (exit code not 0) while the run goes on, a new one is started with the same shard index, port
   * and checkpoint folder (so it restores from its newest checkpoint and the workers reconnect to the
   * address they know), without the crash. The restart is recorded for summary.json.
   */
  private void superviseCrash(Path out, int s, int port) {
    ChildProcess crashing = servers.get(s);
    crashing.onExit().thenAcceptAsync(code -> {
      if (code == 0 || stopping) {
        return;
      }
      long version = config.shardCrashes().get(s);
      System.err.printf(Locale.ROOT, "impetus local: server-%d died at version %d (exit %d, --crash-shard);"
          + " restarting it on port %d from its checkpoint%n", s, version, code, port);
      try {
        ServerConfig sc = shardConfig(s, port);
        CompletableFuture<Integer> listening = new CompletableFuture<>();
        ChildProcess restarted = startServer(out, s, sc, "server-" + s + "-restart-1", listening);
        synchronized (servers) {
          servers.set(s, restarted);
        }
        if (stopping) {
          restarted.stop(10);
          return;
        }
        awaitPort(restarted, listening);
        restarts.add(new ShardRestart(s, version, code));
      } catch (Exception e) {
        System.err.println("impetus local: could not restart server-" + s + ": " + e.getMessage());
      }
    });
  }

  private int runWorkers(Path out, List<String> addresses) throws Exception {
    try (Progress progress = new Progress(config.workers(), stepsPerWorker,
        workload.hasTrainingData() ? config.batchSize() : 1, config.progress())) {
      Map<Integer, Integer> hostedExits = new ConcurrentHashMap<>();
      Consumer<String> onLine = line -> {
        if (line.startsWith(WorkerProcess.PROGRESS + " ")) {
          String[] f = line.split(" ");
          progress.report(Integer.parseInt(f[1]), Long.parseLong(f[2]), Double.parseDouble(f[3]));
        } else if (line.startsWith(WorkerHost.EXIT + " ")) {
          String[] f = line.split(" ");
          hostedExits.put(Integer.parseInt(f[1]), Integer.parseInt(f[2]));
        }
      };
      List<List<Integer>> groups = placement(config.workers(), config.workerProcesses(), config.crashes().keySet());
      for (List<Integer> ranks : groups) {
        List<List<String>> args = new ArrayList<>();
        for (int r : ranks) {
          List<String> workerArgs = new ArrayList<>(WorkerCommand.toArgs(workerConfig(out, addresses, r)));
          // The worker's files (settings, metrics, staleness, report) under their names in the run folder.
          workerArgs.addAll(List.of("--run-dir", out.toString()));
          args.add(workerArgs);
        }
        boolean firstWorker = ranks.contains(0);
        List<String> java = javaOptions("IMPETUS_WORKER_JAVA_OPTS",
            () -> concat(workerJit(), classArchive.options(ClassArchive.Role.WORKER, firstWorker)));
        String name = processName(ranks);
        Path log = out.resolve("logs/" + name + ".log");
        // With simulated hosts every worker has a process (LocalConfig checks) and a host of its own.
        UnaryOperator<List<String>> wrap = onHost(hosts == null ? null : hosts.plan().worker(ranks.get(0)));
        workers.add(ranks.size() == 1
            ? ChildProcess.start(name, wrap, java, "io.impetus.cli.Impetus", concat(List.of("worker"), args.get(0)),
                blasThreads(), log, onLine)
            : ChildProcess.start(name, wrap, java, WorkerHost.class.getName(), WorkerHost.join(args), blasThreads(), log,
                onLine));
      }
      int failures = 0;
      for (int g = 0; g < groups.size(); g++) {
        ChildProcess w = workers.get(g);
        int processCode = w.waitFor();
        for (int r : groups.get(g)) {
          // A hosted worker reports its own code; one whose report never came died with its JVM.
          int code = groups.get(g).size() == 1 ? processCode
              : hostedExits.getOrDefault(r, processCode == 0 ? 1 : processCode);
          if (code != 0 && !interrupted) {
            failures++;
            String why = config.crashes().containsKey(r) ? " (crashed on purpose, --crash-at-step)" : "";
            System.err.println("worker-" + r + " exited with code " + code + why + "; see " + w.logFile());
          }
        }
      }
      return failures;
    }
  }

  private WorkerConfig workerConfig(Path out, List<String> addresses, int r) {
    return new WorkerConfig(addresses, r, config.workers(), config.model(), config.batchSize(),
        config.epochs(), config.steps(), config.seed(), null, null, config.logEvery(), true, 60, config.delay(),
        config.stragglers().getOrDefault(r, 1.0), config.crashes().get(r), config.data(), r == 0, config.overlap(),
        config.transport(), config.server().sharedMemoryDir(), null, config.wirePrecision(),
        resume == null ? 0 : resume.startSteps().get(r), WorkerConfig.DEFAULT_CALL_TIMEOUT_SECONDS, clientSecurity);
  }

  /**
   * Which worker ranks share which JVM: every rank in {@code alone} (workers that will halt their JVM
   * on purpose) in a process of its own, the others cut into contiguous groups of near-equal size, as
   * many as the processes left allow (at least one). Groups are in order of their first rank.
   */
  static List<List<Integer>> placement(int workers, int processes, Set<Integer> alone) {
    List<Integer> shared = new ArrayList<>();
    for (int r = 0; r < workers; r++) {
      if (!alone.contains(r)) {
        shared.add(r);
      }
    }
    int groups = Math.min(shared.size(), Math.max(1, processes - alone.size()));
    List<List<Integer>> placement = new ArrayList<>();
    for (int g = 0, from = 0; g < groups; g++) {
      int to = from + (shared.size() - from) / (groups - g);
      placement.add(List.copyOf(shared.subList(from, to)));
      from = to;
    }
    for (int r : alone) {
      placement.add(List.of(r));
    }
    placement.sort(Comparator.comparing(ranks -> ranks.get(0)));
    return placement;
  }

  /** worker-R for a process of one worker, workers-R1-R2-... for a JVM that hosts several. */
  private static String processName(List<Integer> ranks) {
    if (ranks.size() == 1) {
      return "worker-" + ranks.get(0);
    }
    StringBuilder name = new StringBuilder("workers");
    for (int r : ranks) {
      name.append('-').append(r);
    }
    return name.toString();
  }

  /**
   * The workers' default JIT. N worker JVMs each spending seconds of a short run compiling the same
   * gRPC and model code with C2 on shared cores cost more than C2's faster code saves when the heavy
   * arithmetic is not Java code (measured with the MLP and native BLAS, 4 workers on 2 cores: 16.5k
   * samples/s with C2, 23.1k with C1 only), so such workers stop at C1. Models whose hot loops are
   * Java keep the default tiered JIT: the CNN (im2col and pooling; 563 instead of 726 samples/s with
   * C1 only) and any matrix model without native BLAS. The shards' optimizer loop always needs C2
   * (see {@link ShardJit}).
   */
  private List<String> workerJit() {
    boolean javaLoops = config.model().equals("cnn")
        || (!Gemm.implementation().endsWith("JNIBLAS") && workload.hasTrainingData());
    return javaLoops ? List.of() : List.of("-XX:TieredStopAtLevel=1");
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  /**
   * JVM options for one kind of child process: the words of {@code variable} ({@code IMPETUS_WORKER_JAVA_OPTS}
   * or {@code IMPETUS_SHARD_JAVA_OPTS}), or the defaults when it is unset (built only then: building
   * them may schedule a class-archive dump), followed by the words of the matching
   * {@code ..._EXTRA_JAVA_OPTS} variable, which adds options (a heap size, an agent) and keeps the
   * defaults.
   */
  private static List<String> javaOptions(String variable, Supplier<List<String>> defaults) {
    String value = LocalCommand.env(variable);
    List<String> options = new ArrayList<>(value == null ? defaults.get() : words(value));
    String extra = LocalCommand.env(variable.replace("_JAVA_OPTS", "_EXTRA_JAVA_OPTS"));
    if (extra != null) {
      options.addAll(words(extra));
    }
    return options;
  }

  private static List<String> words(String value) {
    return Arrays.stream(value.trim().split("\\s+")).filter(w -> !w.isEmpty()).toList();
  }

  /**
   * Native BLAS threads per worker: the cores but one shared out among the workers (at least one),
   * unless the user set OPENBLAS_NUM_THREADS. One core is left for the transport and the shards: a
   * push-pull costs the worker's and the shard's processes several milliseconds of CPU per step, and
   * OpenBLAS's extra threads spin while they wait for work, so a lone worker given both cores of a
   * 2-core machine ran 20% slower and used twice the CPU per step.
   */
  private Map<String, String> blasThreads() {
    if (LocalCommand.env("OPENBLAS_NUM_THREADS") != null) {
      return Map.of();
    }
    int threads = Math.max(1, (Runtime.getRuntime().availableProcessors() - 1) / config.workers());
    return Map.of("OPENBLAS_NUM_THREADS", Integer.toString(threads));
  }

  private ShardedClient connect(List<String> addresses) {
    return new ShardedClient(ShardChannels.open(addresses, clientSecurity), 0, workload.model().layout(), config.model());
  }

  /** Where shard {@code s} listens: loopback, or its simulated host's address. */
  private String bind(int s) {
    return hosts == null ? "127.0.0.1" : hosts.plan().shard(s).address();
  }

  /** Runs a command line on {@code host}, or as it is for null. */
  private UnaryOperator<List<String>> onHost(SimulatedHost host) {
    SimulatedHosts h = hosts;
    return host == null ? UnaryOperator.identity() : command -> h.wrap(host, command);
  }

  /** Removes the simulated hosts, if any (after {@link #stopAll}: their processes must be gone). */
  private void removeHosts() {
    SimulatedHosts h = hosts;
    if (h != null) {
      h.close();
    }
  }

  private void stopAll() {
    stopping = true;
    for (ChildProcess w : workers) {
      w.stop(5);
    }
    List<ChildProcess> shards;
    synchronized (servers) {
      shards = List.copyOf(servers);
    }
    for (ChildProcess s : shards) {
      s.stop(10);
    }
  }
}
