package io.impetus.study.simulate;

/**
 * Measures the linear rate ρ of a series that behaves like C·ρ^t (times a bounded oscillation): the
 * distances |x_t| of an iterate to the optimum.
 *
 * <p>To smooth the oscillation of complex roots and of delays, each point is the norm of a window of
 * {@code window} consecutive values (the recurrence's state, which cannot be near zero at every
 * entry at once). The rate is {@code (w_T / w_{T−k})^(1/k)} over the late half of the usable series.
 * Usable means before the values leave [1e−30, 1e30]: a convergent run stops being linear when it
 * reaches float32's subnormal range, and a divergent run stops at the simulator's bound. So
 * divergent settings give rates above 1, measured over what came before the stop.
 */
public final class RateFit {
  private static final double LOW = 1e-30;
  private static final double HIGH = 1e30;

  private RateFit() {}

  /** The rate of {@code values}, NaN if fewer than 2·window + 2 usable points. */
  public static double rate(double[] values, int window) {
    int usable = 0;
    while (usable < values.length && values[usable] >= LOW && values[usable] <= HIGH && Double.isFinite(values[usable])) {
      usable++;
    }
    int last = usable - 1;
    int first = window - 1; // the first index with a full window behind it
    if (last - first < window + 1) {
      return Double.NaN;
    }
    // The late half, but at least `window` long so one oscillation period fits.
    int k = Math.max(window, (last - first) / 2);
    double end = windowNorm(values, last, window);
    double start = windowNorm(values, last - k, window);
    return Math.exp((Math.log(end) - Math.log(start)) / k);
  }

  private static double windowNorm(double[] v, int at, int window) {
    double s = 0;
    double scale = v[at]; // rescale against overflow of the squares near 1e30
    for (int j = 0; j < window; j++) {
      scale = Math.max(scale, v[at - j]);
    }
    for (int j = 0; j < window; j++) {
      double r = v[at - j] / scale;
      s += r * r;
    }
    return scale * Math.sqrt(s);
  }
}
