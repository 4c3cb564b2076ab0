package io.impetus.train;

/**
 * One training step of one worker as the metrics see it.
 *
 * @param timeMillis wall-clock time the step's reply arrived (epoch milliseconds)
 * @param worker the worker's rank
 * @param step the worker's step (0-based)
 * @param epoch the epoch the minibatch came from
 * @param loss the minibatch loss at the parameters the gradient was computed from
 * @param staleness the largest staleness any shard measured for this gradient
 * @param stepLag the largest step lag any shard measured (newest live worker step minus this one)
 * @param dropped whether a shard dropped this gradient (too stale, late for its sync step, or its update would have been non-finite)
 * @param samples examples in the minibatch
 * @param computeNanos time spent in forward/backward (including any injected delay)
 * @param waitNanos time spent waiting for the push-pull replies
 * @param testLoss test-set loss of the parameters received after this step, NaN if not evaluated
 * @param testAccuracy test-set accuracy likewise
 */
public record StepRecord(
    long timeMillis, int worker, long step, int epoch, double loss, long staleness, long stepLag, boolean dropped,
    int samples, long computeNanos, long waitNanos, double testLoss, double testAccuracy) {

  /** The metrics.csv header for {@link #csvRow}. */
  public static final String CSV_HEADER =
      "time,worker,step,epoch,loss,staleness,step_lag,dropped,samples,compute_ms,wait_ms,test_loss,test_accuracy";

  /**
   * This record as a metrics.csv row: times in seconds and milliseconds with three decimals, the loss in
   * full ({@link Double#toString}), test figures with six significant digits (empty if not evaluated).
   * Built by hand rather than with {@code String.format}, whose pattern parsing cost a worker several
   * percent of its CPU per step (this runs after every step). For the same reason it stays hand-written
   * rather than going through {@link io.impetus.csv.CsvTable}: every field is a number (or empty), so
   * none ever needs quoting, and the readers of metrics.csv parse it with {@code CsvTable}.
   */
  public String csvRow() {
    StringBuilder row = new StringBuilder(96);
    appendThousandths(row, timeMillis).append(',').append(worker).append(',').append(step).append(',').append(epoch)
        .append(',').append(loss).append(',').append(staleness).append(',').append(stepLag).append(',')
        .append(dropped ? 1 : 0).append(',').append(samples).append(',');
    appendThousandths(row, Math.round(computeNanos / 1e3)).append(',');
    appendThousandths(row, Math.round(waitNanos / 1e3)).append(',');
    return row.append(optional(testLoss)).append(',').append(optional(testAccuracy)).toString();
  }

  /** Whether this step was followed by an evaluation on the test set. */
  public boolean evaluated() {
    return !Double.isNaN(testAccuracy);
  }

  /** Appends {@code thousandths / 1000} with exactly three decimals, as {@code %.3f} would. */
  static StringBuilder appendThousandths(StringBuilder to, long thousandths) {
    if (thousandths < 0) {
      to.append('-');
      thousandths = -thousandths;
    }
    long frac = thousandths % 1000;
    to.append(thousandths / 1000).append('.');
    if (frac < 100) {
      to.append('0');
    }
    if (frac < 10) {
      to.append('0');
    }
    return to.append(frac);
  }

  private static String optional(double value) {
    return Double.isNaN(value) ? "" : String.format(java.util.Locale.ROOT, "%.6g", value);
  }
}
