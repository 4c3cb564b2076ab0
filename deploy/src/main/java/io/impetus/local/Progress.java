package io.impetus.local;

import java.util.Locale;
import java.util.function.LongSupplier;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * The launcher's view of training progress: steps done by all workers out of the total, the latest
 * loss and samples per second. Draws a progress bar on a terminal; elsewhere (CI logs, pipes) prints
 * a plain line at every tenth of the run. The rate counts from the first reported step, as the run's
 * summary does, not from the launch (which includes the JVMs' start-up and data loading). Thread-safe:
 * every worker's output thread reports here.
 */
final class Progress implements AutoCloseable {
  private final long total;
  private final int batchSize;
  private final long[] stepsByWorker;
  private final ProgressBar bar;
  private final LongSupplier nanoClock;
  private long firstNanos;
  private long doneAtFirst = -1;
  private long done;
  private double lastLoss = Double.NaN;
  private int lastTenth;

  Progress(int workers, long stepsPerWorker, int batchSize, boolean draw) {
    this(workers, stepsPerWorker, batchSize, draw, System::nanoTime);
  }

  Progress(int workers, long stepsPerWorker, int batchSize, boolean draw, LongSupplier nanoClock) {
    this.nanoClock = nanoClock;
    this.total = workers * stepsPerWorker;
    this.batchSize = batchSize;
    this.stepsByWorker = new long[workers];
    this.bar =
        draw && System.console() != null
            ? new ProgressBarBuilder().setTaskName("training").setInitialMax(total).setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(200).continuousUpdate().build()
            : null;
  }

  /** Worker {@code worker} has finished {@code steps} steps with minibatch loss {@code loss}. */
  synchronized void report(int worker, long steps, double loss) {
    done += steps - stepsByWorker[worker];
    stepsByWorker[worker] = steps;
    if (doneAtFirst < 0) {
      // The first report's own steps ran before the clock started.
      firstNanos = nanoClock.getAsLong();
      doneAtFirst = done;
    }
    lastLoss = loss;
    String message = String.format(Locale.ROOT, "loss %.4g | %.0f samples/s", lastLoss, samplesPerSecond());
    if (bar != null) {
      bar.stepTo(done);
      bar.setExtraMessage(message);
    } else if (total > 0 && done * 10 / total > lastTenth) {
      lastTenth = (int) (done * 10 / total);
      System.out.printf(Locale.ROOT, "training %3d%%  step %d/%d  %s%n", lastTenth * 10, done, total, message);
    }
  }

  /** Samples per second since the first report (0 until time has passed since it). */
  synchronized double samplesPerSecond() {
    double seconds = doneAtFirst < 0 ? 0 : (nanoClock.getAsLong() - firstNanos) / 1e9;
    return seconds <= 0 ? 0 : (done - doneAtFirst) * batchSize / seconds;
  }

  @Override
  public synchronized void close() {
    if (bar != null) {
      bar.close();
    }
  }
}
