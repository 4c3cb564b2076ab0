package io.impetus.train;

import io.grpc.StatusRuntimeException;
import io.impetus.client.ConnectionWatch;
import io.impetus.client.Recovery;
import io.impetus.client.ShardChannels;
import io.impetus.client.ShardedClient;
import io.impetus.model.ModelCatalog;
import io.impetus.model.Workload;
import io.impetus.wire.Refusal;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One worker process: connects to the shards named in its config, trains, writes its metrics,
 * staleness trace and report files, and tells the launcher how far it got. Returns the process exit
 * code.
 */
public final class WorkerProcess {
  /**
   * Prefix of the machine-readable progress lines on stdout (rank, steps done, loss, staleness), a few
   * per second (see {@link ProgressLines}).
   */
  public static final String PROGRESS = ProgressLines.PREFIX;

  /** At most one progress line per this many nanoseconds (the launcher redraws its bar about as often). */
  static final long PROGRESS_INTERVAL_NANOS = 100_000_000L;

  /** How often a worker waiting for its shards says which ones, and retries them. */
  static final long CONNECTION_LOG_MILLIS = 5000;

  /**
   * The exit code of a worker that a shard refused for good (another layout, a missing token, an
   * invalid request: see {@link Recovery#FATAL}), as opposed to 1 for other failures.
   */
  public static final int EXIT_REFUSED = 3;

  private static final Logger log = LoggerFactory.getLogger(WorkerProcess.class);

  private WorkerProcess() {}

  /** Runs the worker described by {@code config}; 0 when training completed. */
  public static int run(WorkerConfig config) throws IOException, InterruptedException {
    return run(config, step -> {});
  }

  /**
   * As {@link #run(WorkerConfig)}, also handing every step to {@code observer} (on the training
   * thread; it must be quick), e.g. to export metrics.
   */
  public static int run(WorkerConfig config, Consumer<StepRecord> observer) throws IOException, InterruptedException {
    Workload workload = ModelCatalog.create(config.model(), config.data());
    ShardChannels channels = ShardChannels.open(config.servers(), config.security());
    BufferedWriter metrics = null;
    if (config.metricsFile() != null) {
      if (config.metricsFile().getParent() != null) {
        Files.createDirectories(config.metricsFile().getParent());
      }
      metrics = Files.newBufferedWriter(config.metricsFile());
      metrics.write(StepRecord.CSV_HEADER);
      metrics.newLine();
    }
    BufferedWriter metricsOut = metrics;
    // Stopped (Ctrl-C, SIGTERM), the worker still leaves the rows of the steps it took: a resumed run keeps them.
    Thread flushMetrics = new Thread(() -> flushQuietly(metricsOut), "worker-" + config.rank() + "-metrics-flush");
    if (metricsOut != null) {
      Runtime.getRuntime().addShutdownHook(flushMetrics);
    }
    StalenessTrace trace = config.stalenessFile() == null ? null : StalenessTrace.open(config.stalenessFile());
    // Shards may start after their workers (Kubernetes starts both Jobs at once): log what we wait for.
    try (ConnectionWatch watch = ConnectionWatch.start(channels.owned(), config.servers(), CONNECTION_LOG_MILLIS);
        ShardedClient client =
        new ShardedClient(channels, config.rank(), workload.model().layout(), config.model(),
            config.transport(), config.shmDir(), config.wirePrecision(), config.deadlines())) {
      log.info("worker {} of {}: model {} ({} parameters), {} shards", config.rank(), config.workers(),
          config.model(), workload.model().layout().numParams(), channels.size());
      ProgressLines progress = config.reportProgress()
          ? new ProgressLines(System.out, config.rank(), PROGRESS_INTERVAL_NANOS, System::nanoTime) : null;
      Trainer trainer =
          new Trainer(workload, config, client, step -> {
            observer.accept(step);
            boolean logged = step.step() % config.logEvery() == 0 || step.evaluated();
            if (logged && metricsOut != null) {
              try {
                metricsOut.write(step.csvRow());
                metricsOut.newLine();
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            }
            if (progress != null) {
              progress.step(step);
            } else if (logged) {
              log.info("worker {} step {} epoch {} loss {} staleness {}", config.rank(), step.step(), step.epoch(),
                  String.format(Locale.ROOT, "%.6g", step.loss()), step.staleness());
            }
          }, trace);
      TrainingReport report = trainer.run();
      if (progress != null) {
        progress.finish();
      }
      log.info(
          "worker {} done: {} steps, {} samples in {} s, final loss {}, staleness mean {} max {}",
          config.rank(), report.steps(), report.samples(), String.format(Locale.ROOT, "%.2f", report.seconds()),
          String.format(Locale.ROOT, "%.6g", report.finalLoss()),
          String.format(Locale.ROOT, "%.2f", report.meanStaleness()), report.maxStaleness());
      if (config.reportFile() != null) {
        if (config.reportFile().getParent() != null) {
          Files.createDirectories(config.reportFile().getParent());
        }
        Files.writeString(config.reportFile(), report.toJson());
      }
      return 0;
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof StatusRuntimeException s) {
        Refusal refusal = Refusal.of(s);
        boolean fatal = Recovery.of(refusal) == Recovery.FATAL;
        log.error("worker {} stopped: a shard answered {}{}", config.rank(), refusal,
            fatal ? " (retrying cannot help)" : " (it kept failing after " + Trainer.MAX_RECOVERIES + " rejoins)");
        return fatal ? EXIT_REFUSED : 1;
      } else {
        log.error("worker {} stopped: {}", config.rank(), cause.toString());
      }
      return 1;
    } catch (IllegalStateException e) {
      log.error("worker {} stopped: {}", config.rank(), e.getMessage());
      return 1;
    } finally {
      if (metricsOut != null) {
        removeHook(flushMetrics);
        metricsOut.close();
      }
      if (trace != null) {
        trace.close();
      }
      System.out.flush();
    }
  }

  private static void flushQuietly(BufferedWriter out) {
    try {
      out.flush();
    } catch (IOException e) {
      // closed already, or the disk failed as the JVM stops: nothing left to do
    }
  }

  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running already
    }
  }
}
