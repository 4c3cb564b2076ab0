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
 * @param dropped whether a shard dropped this gradient (too stale, or late for its sync step)
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

  /** This record as a metrics.csv row. */
  public String csvRow() {
    return String.format(
        java.util.Locale.ROOT,
        "%.3f,%d,%d,%d,%.9g,%d,%d,%d,%d,%.3f,%.3f,%s,%s",
        timeMillis / 1000.0, worker, step, epoch, loss, staleness, stepLag, dropped ? 1 : 0, samples,
        computeNanos / 1e6, waitNanos / 1e6, optional(testLoss), optional(testAccuracy));
  }

  /** Whether this step was followed by an evaluation on the test set. */
  public boolean evaluated() {
    return !Double.isNaN(testAccuracy);
  }

  private static String optional(double value) {
    return Double.isNaN(value) ? "" : String.format(java.util.Locale.ROOT, "%.6g", value);
  }
}
