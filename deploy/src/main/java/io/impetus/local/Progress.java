package io.impetus.local;

import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * The launcher's view of training progress: steps done by all workers out of the total, the latest
 * loss and samples per second. Draws a progress bar on a terminal; elsewhere (CI logs, pipes) prints
 * a plain line at every tenth of the run. Thread-safe: every worker's output thread reports here.
 */
final class Progress implements AutoCloseable {
  private final long total;
  private final int batchSize;
  private final long[] stepsByWorker;
  private final ProgressBar bar;
  private final long startNanos = System.nanoTime();
  private long done;
  private double lastLoss = Double.NaN;
  private int lastTenth;

  Progress(int workers, long stepsPerWorker, int batchSize, boolean draw) {
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

  private double samplesPerSecond() {
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    return seconds <= 0 ? 0 : done * batchSize / seconds;
  }

  @Override
  public synchronized void close() {
    if (bar != null) {
      bar.close();
    }
  }
}
