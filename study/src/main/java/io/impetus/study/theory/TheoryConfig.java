package io.impetus.study.theory;

/**
 * {@code impetus study theory}: the problem and the hyperparameters to analyse.
 *
 * @param curvatures eigenvalues h_i of the diagonal quadratic (one value: the scalar f = h/2·x²)
 * @param alpha the step α
 * @param beta the heavy-ball momentum β
 * @param tau the fixed delay τ
 * @param measure also run the real optimizer on the same problem and fit its rate ({@link RateMeasurement})
 * @param steps updates of the real optimizer when measuring; the rate is fitted over the late half
 */
public record TheoryConfig(double[] curvatures, double alpha, double beta, int tau, boolean measure, int steps) {

  /** Validates ranges. */
  public TheoryConfig {
    if (curvatures.length == 0) {
      throw new IllegalArgumentException("need at least one curvature");
    }
    for (double h : curvatures) {
      if (!(h > 0) || !Double.isFinite(h)) {
        throw new IllegalArgumentException("curvatures must be positive, got " + h);
      }
    }
    if (!(alpha > 0)) {
      throw new IllegalArgumentException("--alpha must be > 0, got " + alpha);
    }
    if (!(beta >= 0 && beta < 1)) {
      throw new IllegalArgumentException("--beta must be in [0, 1), got " + beta);
    }
    if (tau < 0) {
      throw new IllegalArgumentException("--delay must be >= 0, got " + tau);
    }
    if (steps < 10) {
      throw new IllegalArgumentException("--steps must be >= 10, got " + steps);
    }
    if (measure && steps < RateMeasurement.minimumUpdates(tau)) {
      throw new IllegalArgumentException("--steps must be >= " + RateMeasurement.minimumUpdates(tau) + " to measure a rate with delay "
          + tau + " (two windows of tau + 2 iterates), got " + steps);
    }
  }
}
