package io.impetus.simvsreal;

/**
 * The loss curve {@code sim-vs-real} compares: the minibatch loss of every update, averaged over
 * consecutive windows of equal length, one value per checkpoint (the update that ends the window).
 * The real run and the simulation report the same quantity (the loss of the gradient's minibatch
 * at the parameters it was computed from); the window mean takes out most of its minibatch noise.
 */
final class LossCurve {
  private LossCurve() {}

  /**
   * The mean of {@code perUpdate} over {@code windows} windows of {@code updates / windows} updates
   * each (a remainder of updates is left out); a window that {@code perUpdate} does not reach (a
   * diverged run stopped early), or that holds a non-finite loss, is +inf.
   */
  static double[] windowMeans(double[] perUpdate, int updates, int windows) {
    int width = updates / windows;
    if (width < 1) {
      throw new IllegalArgumentException(updates + " updates cannot make " + windows + " windows");
    }
    double[] means = new double[windows];
    for (int k = 0; k < windows; k++) {
      double sum = 0;
      int from = k * width;
      for (int t = from; t < from + width; t++) {
        sum += t < perUpdate.length ? perUpdate[t] : Double.POSITIVE_INFINITY;
      }
      means[k] = Double.isFinite(sum) ? sum / width : Double.POSITIVE_INFINITY;
    }
    return means;
  }

  /** The updates that end each window of {@link #windowMeans}. */
  static double[] checkpoints(int updates, int windows) {
    int width = updates / windows;
    double[] at = new double[windows];
    for (int k = 0; k < windows; k++) {
      at[k] = (double) (k + 1) * width;
    }
    return at;
  }

  /**
   * Whether a run diverged: its final whole-training-set loss is not finite or exceeds the loss of
   * the initial parameters (which the real run and its replays share: the same seed). A loss of
   * 1e30 is finite but no less diverged than an overflow.
   */
  static boolean diverged(double finalLoss, double initialLoss) {
    return !(finalLoss <= initialLoss);
  }

  /** The final loss as the comparison sees it: +inf for a diverged run, whatever number it stopped at. */
  static double judged(double finalLoss, boolean diverged) {
    return diverged ? Double.POSITIVE_INFINITY : finalLoss;
  }

  /**
   * |log10 a − log10 b| for two losses: 0 when both are infinite (both diverged), +inf when only one
   * is, or when either is not positive.
   */
  static double logGap(double a, double b) {
    if (Double.isInfinite(a) && Double.isInfinite(b)) {
      return 0;
    }
    if (!(a > 0) || !(b > 0) || Double.isInfinite(a) || Double.isInfinite(b)) {
      return Double.POSITIVE_INFINITY;
    }
    return Math.abs(Math.log10(a) - Math.log10(b));
  }

  /** The largest {@link #logGap} between two curves of the same checkpoints. */
  static double maxLogGap(double[] a, double[] b) {
    double max = 0;
    for (int k = 0; k < a.length; k++) {
      max = Math.max(max, logGap(a[k], b[k]));
    }
    return max;
  }
}
