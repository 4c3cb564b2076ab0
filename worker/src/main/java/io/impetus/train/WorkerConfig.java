package io.impetus.train;

import io.impetus.client.CallDeadlines;
import io.impetus.client.ChannelSecurity;
import io.impetus.client.Transport;
import io.impetus.client.WirePrecision;
import io.impetus.model.DataOptions;
import io.impetus.wire.SharedSegment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Everything one worker process needs, parsed once from the command line.
 *
 * @param servers shard addresses (host:port), shard i first
 * @param rank this worker's id in [0, workers)
 * @param workers N, the number of workers sharing the data
 * @param model the model name (see the model catalog)
 * @param batchSize examples per minibatch
 * @param epochs passes over the worker's partition, or null for the default
 * @param steps total steps, or null to derive from epochs; wins over epochs
 * @param seed seeds the data, the initial parameters and the shuffles
 * @param metricsFile CSV file to write one row per logged step to, or null
 * @param reportFile JSON file to write the worker's totals to at the end, or null
 * @param logEvery log (and write a metrics row) every this many steps
 * @param reportProgress print machine-readable progress lines on stdout (for the local launcher)
 * @param connectTimeoutSeconds how long to wait for the shards to answer the first join
 * @param delay an artificial delay added to every step (stragglers on demand)
 * @param slowdown this worker computes this many times slower than it could (1 = full speed)
 * @param crashAtStep fault injection: the process dies abruptly after this step, or null
 * @param data the data set, its folder and the model-shape options
 * @param evaluate evaluate test loss and accuracy after every epoch (the designated evaluator)
 * @param overlap compute the next gradient while the previous push is in flight (one step more
 *     staleness; hides the round trip behind the compute)
 * @param transport how floats travel to and from the shards (shared memory with shards on this host)
 * @param shmDir where shared-memory segments are created (must be the shards' {@code --shm-dir})
 * @param stalenessFile CSV file to write one row per update a shard applied for this worker to
 *     (see {@link StalenessTrace}), or null to record none
 * @param wirePrecision how many bits a float takes on the grpc path (gradients up, parameters back)
 * @param startStep the first step this worker takes (0; more when resuming a run from a checkpoint:
 *     the batches of the steps before it are drawn and skipped, so the data order is the planned one)
 * @param callTimeoutSeconds the deadline of each unary call to a shard, and the allowance for one
 *     step in a push-pull's deadline (see {@link CallDeadlines})
 * @param security the bearer token and TLS settings every channel to the shards carries
 *     ({@link ChannelSecurity#NONE}: plaintext, no token)
 */
public record WorkerConfig(
    List<String> servers,
    int rank,
    int workers,
    String model,
    int batchSize,
    Integer epochs,
    Long steps,
    long seed,
    Path metricsFile,
    Path reportFile,
    int logEvery,
    boolean reportProgress,
    long connectTimeoutSeconds,
    WorkerDelay delay,
    double slowdown,
    Long crashAtStep,
    DataOptions data,
    boolean evaluate,
    boolean overlap,
    Transport transport,
    Path shmDir,
    Path stalenessFile,
    WirePrecision wirePrecision,
    long startStep,
    long callTimeoutSeconds,
    ChannelSecurity security) {

  /** The call timeout when none is given, in seconds. */
  public static final long DEFAULT_CALL_TIMEOUT_SECONDS = CallDeadlines.DEFAULT_CALL.toSeconds();

  /** As the canonical constructor, with the default call timeout, plaintext and no token. */
  public WorkerConfig(List<String> servers, int rank, int workers, String model, int batchSize, Integer epochs,
      Long steps, long seed, Path metricsFile, Path reportFile, int logEvery, boolean reportProgress,
      long connectTimeoutSeconds, WorkerDelay delay, double slowdown, Long crashAtStep, DataOptions data,
      boolean evaluate, boolean overlap, Transport transport, Path shmDir, Path stalenessFile,
      WirePrecision wirePrecision, long startStep) {
    this(servers, rank, workers, model, batchSize, epochs, steps, seed, metricsFile, reportFile, logEvery,
        reportProgress, connectTimeoutSeconds, delay, slowdown, crashAtStep, data, evaluate, overlap, transport, shmDir,
        stalenessFile, wirePrecision, startStep, DEFAULT_CALL_TIMEOUT_SECONDS, ChannelSecurity.NONE);
  }

  /** As the canonical constructor, starting at step 0. */
  public WorkerConfig(List<String> servers, int rank, int workers, String model, int batchSize, Integer epochs,
      Long steps, long seed, Path metricsFile, Path reportFile, int logEvery, boolean reportProgress,
      long connectTimeoutSeconds, WorkerDelay delay, double slowdown, Long crashAtStep, DataOptions data,
      boolean evaluate, boolean overlap, Transport transport, Path shmDir, Path stalenessFile,
      WirePrecision wirePrecision) {
    this(servers, rank, workers, model, batchSize, epochs, steps, seed, metricsFile, reportFile, logEvery,
        reportProgress, connectTimeoutSeconds, delay, slowdown, crashAtStep, data, evaluate, overlap, transport, shmDir,
        stalenessFile, wirePrecision, 0);
  }

  /** Validates with messages that name the command-line flag. */
  public WorkerConfig {
    servers = List.copyOf(servers);
    if (startStep < 0) {
      throw new IllegalArgumentException("--start-step must be at least 0, got " + startStep);
    }
    if (servers.isEmpty()) {
      throw new IllegalArgumentException("--servers needs at least one host:port");
    }
    for (String s : servers) {
      int colon = s.lastIndexOf(':');
      if (colon <= 0 || colon == s.length() - 1) {
        throw new IllegalArgumentException("--servers entry '" + s + "' is not host:port");
      }
      try {
        int port = Integer.parseInt(s.substring(colon + 1));
        if (port < 1 || port > 65535) {
          throw new NumberFormatException();
        }
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--servers entry '" + s + "' has no valid port");
      }
    }
    if (workers < 1) {
      throw new IllegalArgumentException("--workers must be at least 1, got " + workers);
    }
    if (rank < 0 || rank >= workers) {
      throw new IllegalArgumentException("--rank must be in [0, " + workers + "), got " + rank);
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("--batch-size must be at least 1, got " + batchSize);
    }
    if (epochs != null && epochs < 1) {
      throw new IllegalArgumentException("--epochs must be at least 1, got " + epochs);
    }
    if (steps != null && steps < 1) {
      throw new IllegalArgumentException("--steps must be at least 1, got " + steps);
    }
    if (logEvery < 1) {
      throw new IllegalArgumentException("--log-every must be at least 1, got " + logEvery);
    }
    if (data == null) {
      data = DataOptions.defaults();
    }
    if (delay == null) {
      delay = WorkerDelay.none();
    }
    if (!(slowdown >= 1) || Double.isInfinite(slowdown)) {
      throw new IllegalArgumentException("--slowdown must be a finite factor >= 1, got " + slowdown);
    }
    if (crashAtStep != null && crashAtStep < 0) {
      throw new IllegalArgumentException("--crash-at-step must be >= 0, got " + crashAtStep);
    }
    if (connectTimeoutSeconds < 1) {
      throw new IllegalArgumentException("--connect-timeout must be at least 1 second, got " + connectTimeoutSeconds);
    }
    if (callTimeoutSeconds < 1) {
      throw new IllegalArgumentException("--call-timeout must be at least 1 second, got " + callTimeoutSeconds);
    }
    if (transport == null) {
      transport = Transport.GRPC;
    }
    if (shmDir == null) {
      shmDir = SharedSegment.DEFAULT_DIR;
    }
    if (wirePrecision == null) {
      wirePrecision = WirePrecision.FP32;
    }
    wirePrecision.checkUsedBy(transport);
    if (security == null) {
      security = ChannelSecurity.NONE;
    }
  }

  /** The deadlines of this worker's calls to its shards. */
  public CallDeadlines deadlines() {
    return new CallDeadlines(Duration.ofSeconds(callTimeoutSeconds));
  }

  /** As the canonical constructor, recording no staleness trace, with float32 on the wire. */
  public WorkerConfig(List<String> servers, int rank, int workers, String model, int batchSize, Integer epochs,
      Long steps, long seed, Path metricsFile, Path reportFile, int logEvery, boolean reportProgress,
      long connectTimeoutSeconds, WorkerDelay delay, double slowdown, Long crashAtStep, DataOptions data,
      boolean evaluate, boolean overlap, Transport transport, Path shmDir) {
    this(servers, rank, workers, model, batchSize, epochs, steps, seed, metricsFile, reportFile, logEvery,
        reportProgress, connectTimeoutSeconds, delay, slowdown, crashAtStep, data, evaluate, overlap, transport, shmDir,
        null, WirePrecision.FP32);
  }

  /** As the canonical constructor, with floats in gRPC messages (no shared memory). */
  public WorkerConfig(List<String> servers, int rank, int workers, String model, int batchSize, Integer epochs,
      Long steps, long seed, Path metricsFile, Path reportFile, int logEvery, boolean reportProgress,
      long connectTimeoutSeconds, WorkerDelay delay, double slowdown, Long crashAtStep, DataOptions data,
      boolean evaluate, boolean overlap) {
    this(servers, rank, workers, model, batchSize, epochs, steps, seed, metricsFile, reportFile, logEvery,
        reportProgress, connectTimeoutSeconds, delay, slowdown, crashAtStep, data, evaluate, overlap, Transport.GRPC,
        SharedSegment.DEFAULT_DIR);
  }

  /** A worker at full speed, without artificial delays or faults. */
  public WorkerConfig(List<String> servers, int rank, int workers, String model, int batchSize, Integer epochs,
      Long steps, long seed, Path metricsFile, Path reportFile, int logEvery, boolean reportProgress,
      long connectTimeoutSeconds) {
    this(servers, rank, workers, model, batchSize, epochs, steps, seed, metricsFile, reportFile, logEvery,
        reportProgress, connectTimeoutSeconds, WorkerDelay.none(), 1.0, null);
  }

  /** A worker on the default data options that does not evaluate. */
  public WorkerConfig(List<String> servers, int rank, int workers, String model, int batchSize, Integer epochs,
      Long steps, long seed, Path metricsFile, Path reportFile, int logEvery, boolean reportProgress,
      long connectTimeoutSeconds, WorkerDelay delay, double slowdown, Long crashAtStep) {
    this(servers, rank, workers, model, batchSize, epochs, steps, seed, metricsFile, reportFile, logEvery,
        reportProgress, connectTimeoutSeconds, delay, slowdown, crashAtStep, DataOptions.defaults(), false, false);
  }
}
