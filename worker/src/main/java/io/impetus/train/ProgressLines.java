package io.impetus.train;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * The machine-readable progress lines a worker prints for the local launcher's progress bar:
 * {@code IMPETUS_PROGRESS rank step loss staleness}, at most one per interval, the first step's and
 * every evaluated step's always, and the last step's by {@link #finish}.
 *
 * <p>Why throttled: one formatted line and one pipe write per step cost a worker a few percent of its
 * CPU at thousands of steps per second, and the launcher as much again to read them, on the cores the
 * training needs; a progress bar only needs a few updates a second. Not thread-safe: the training
 * thread calls it.
 */
final class ProgressLines {
  /** Prefix of every line. */
  static final String PREFIX = "IMPETUS_PROGRESS";

  private final PrintStream out;
  private final int rank;
  private final long intervalNanos;
  private final LongSupplier nanoClock;
  private long lastPrinted;
  private StepRecord unprinted;
  private boolean any;

  ProgressLines(PrintStream out, int rank, long intervalNanos, LongSupplier nanoClock) {
    this.out = out;
    this.rank = rank;
    this.intervalNanos = intervalNanos;
    this.nanoClock = nanoClock;
  }

  /** Records a finished step; prints it if the interval has passed since the last line. */
  void step(StepRecord step) {
    long now = nanoClock.getAsLong();
    if (!any || step.evaluated() || now - lastPrinted >= intervalNanos) {
      print(step);
      lastPrinted = now;
      any = true;
    } else {
      unprinted = step;
    }
  }

  /** Prints the last step if it has not been printed, so the launcher sees the final step and loss. */
  void finish() {
    if (unprinted != null) {
      print(unprinted);
    }
  }

  private void print(StepRecord step) {
    out.printf(Locale.ROOT, "%s %d %d %.6g %d%n", PREFIX, rank, step.step() + 1, step.loss(), step.staleness());
    unprinted = null;
  }
}
