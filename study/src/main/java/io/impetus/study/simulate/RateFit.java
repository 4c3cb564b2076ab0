package io.impetus.study.simulate;

/**
 * Measures the linear rate ρ of a series that behaves like C·ρ^t (times a bounded oscillation): the
 * distances |x_t| of an iterate to the optimum.
 *
 * <p>To smooth the oscillation of complex roots and of delays, each point is the norm of a window of
 * {@code window} consecutive values (the recurrence's state, which is zero only if every later value
 * is zero too, whereas a single value can pass through 0 exactly, e.g. x = 1 − 4·0.25 after four
 * delayed steps). The rate is {@code (w_T / w_{T−k})^(1/k)} over the late half of the usable window
 * norms. For {@link #rate} usable means before a window norm leaves [1e−30, 1e30]: a convergent
 * float32 run stops being linear when it reaches the subnormal range, and a divergent run stops at
 * the simulator's bound, so divergent settings give rates above 1, measured over what came before
 * the stop. {@link #rateOfLogs} takes logarithms instead, for series kept in range by rescaling,
 * where every finite window norm is usable.
 */
public final class RateFit {
  private static final double LOG_LOW = Math.log(1e-30);
  private static final double LOG_HIGH = Math.log(1e30);

  private RateFit() {}

  /** The rate of {@code values}, NaN if fewer than window + 2 usable window norms. */
  public static double rate(double[] values, int window) {
    double[] logs = new double[values.length];
    for (int t = 0; t < values.length; t++) {
      logs[t] = Double.isNaN(values[t]) ? Double.NaN : Math.log(Math.abs(values[t]));
    }
    return fit(windowLogNorms(logs, window), window, LOG_LOW, LOG_HIGH);
  }

  /**
   * The rate of the series whose natural logarithms are {@code logValues} (−∞ for an exact 0); NaN if
   * fewer than window + 2 window norms are finite, e.g. once the whole window is exactly 0.
   */
  public static double rateOfLogs(double[] logValues, int window) {
    return fit(windowLogNorms(logValues, window), window, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);
  }

  /**
   * Index t ≥ window − 1 holds the log of the Euclidean norm of values t − window + 1..t (summed
   * against their largest, so neither 1e−300 nor 1e300 under- or overflows); earlier entries are NaN.
   */
  static double[] windowLogNorms(double[] logs, int window) {
    if (window < 1) {
      throw new IllegalArgumentException("window must be >= 1, got " + window);
    }
    double[] w = new double[logs.length];
    for (int t = 0; t < logs.length; t++) {
      if (t < window - 1) {
        w[t] = Double.NaN;
        continue;
      }
      double top = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < window; j++) {
        top = Double.isNaN(logs[t - j]) ? Double.NaN : Math.max(top, logs[t - j]);
      }
      if (!Double.isFinite(top)) {
        w[t] = top; // NaN, +∞ (overflowed) or −∞ (all exactly 0)
        continue;
      }
      double s = 0;
      for (int j = 0; j < window; j++) {
        s += Math.exp(2 * (logs[t - j] - top));
      }
      w[t] = top + 0.5 * Math.log(s);
    }
    return w;
  }

  /** The rate over the late half of the window norms from window − 1 to the first one outside [low, high]. */
  private static double fit(double[] w, int window, double low, double high) {
    int first = window - 1;
    int last = first - 1;
    while (last + 1 < w.length && w[last + 1] >= low && w[last + 1] <= high && Double.isFinite(w[last + 1])) {
      last++;
    }
    if (last - first < window + 1) {
      return Double.NaN;
    }
    // The late half, but at least `window` long so one oscillation period fits.
    int k = Math.max(window, (last - first) / 2);
    return Math.exp((w[last] - w[last - k]) / k);
  }
}
