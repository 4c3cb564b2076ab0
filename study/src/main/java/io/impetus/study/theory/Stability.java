package io.impetus.study.theory;

/**
 * Where delayed heavy ball is stable, and the classical optima it is checked against.
 *
 * <p>For fixed β ∈ [0, 1) and τ the stable step sizes form an interval (0, α_max): at α → 0 the root
 * at 1 moves inside the unit circle, and α_max is where a root first crosses it. {@link #maxStableAlpha}
 * finds that crossing by a scan followed by bisection on the spectral radius.
 */
public final class Stability {
  private static final int SCAN = 400;

  private Stability() {}

  /**
   * The largest stable α·h for momentum β and delay τ (the threshold on the product, so
   * α_max = result / h). For τ = 0 it is 2(1+β); for β = 0 it is 2·sin(π / (2(2τ+1))).
   */
  public static double maxStableAlphaH(double beta, int tau) {
    double hi = 2 * (1 + beta) * 1.0001; // no τ ≥ 0 is stable beyond the τ = 0 bound
    double lo = 0;
    // Scan from small αh up; the first unstable point brackets the crossing.
    double prevStable = 0;
    double firstUnstable = Double.NaN;
    for (int i = 1; i <= SCAN; i++) {
      double ah = hi * i / SCAN;
      if (new DelayedHeavyBall(1, ah, beta, tau).spectralRadius() >= 1) {
        firstUnstable = ah;
        break;
      }
      prevStable = ah;
    }
    if (Double.isNaN(firstUnstable)) {
      return hi;
    }
    lo = prevStable;
    hi = firstUnstable;
    for (int i = 0; i < 60 && hi - lo > 1e-13 * hi; i++) {
      double mid = 0.5 * (lo + hi);
      if (new DelayedHeavyBall(1, mid, beta, tau).spectralRadius() < 1) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return 0.5 * (lo + hi);
  }

  /** The largest stable α on a diagonal quadratic with these eigenvalues: set by the largest one. */
  public static double maxStableAlpha(double[] curvatures, double beta, int tau) {
    double hMax = 0;
    for (double h : curvatures) {
      hMax = Math.max(hMax, h);
    }
    return maxStableAlphaH(beta, tau) / hMax;
  }

  /** The β = 0 threshold on αh in closed form: 2·sin(π / (2(2τ+1))). */
  public static double plainThreshold(int tau) {
    return 2 * Math.sin(Math.PI / (2 * (2 * tau + 1)));
  }

  /** Polyak's optimal heavy-ball step for eigenvalues in [μ, L]: 4 / (√L + √μ)². */
  public static double polyakAlpha(double mu, double l) {
    double s = Math.sqrt(l) + Math.sqrt(mu);
    return 4 / (s * s);
  }

  /** Polyak's optimal momentum: ((√κ − 1)/(√κ + 1))², κ = L/μ; its rate is √β. */
  public static double polyakBeta(double mu, double l) {
    double k = Math.sqrt(l / mu);
    return Math.pow((k - 1) / (k + 1), 2);
  }

  /** The spectral radius over all eigenvalues of a diagonal quadratic: the slowest mode sets the rate. */
  public static double spectralRadius(double[] curvatures, double alpha, double beta, int tau) {
    double r = 0;
    for (double h : curvatures) {
      r = Math.max(r, new DelayedHeavyBall(h, alpha, beta, tau).spectralRadius());
    }
    return r;
  }
}
