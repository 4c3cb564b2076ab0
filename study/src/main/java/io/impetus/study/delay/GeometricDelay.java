package io.impetus.study.delay;

import java.util.SplittableRandom;

/**
 * Geometric staleness {@code P(τ = l) = (1 − q)·q^l} with {@code q = 1 − 1/M} ({@code geometric:M}),
 * mean M − 1: the queueing model of M asynchronous workers in Mitliagkas et al. (2016).
 *
 * <p>The tail is cut where its mass falls below 1e−12 (τ ≤ ln(1e−12)/ln q, about 27·M), so the
 * simulator's history buffer stays finite; the cut changes no draw in any realistic run length.
 */
public final class GeometricDelay implements DelayScheduler {
  private static final double TAIL_MASS = 1e-12;
  private final int workers;
  private final double logQ;
  private final int cap;

  /** Mean M − 1; M = 1 is no delay at all. */
  public GeometricDelay(int workers) {
    if (workers < 1) {
      throw new IllegalArgumentException("geometric delay needs M >= 1, got " + workers);
    }
    this.workers = workers;
    double q = 1.0 - 1.0 / workers;
    this.logQ = Math.log(q);
    this.cap = workers == 1 ? 0 : (int) Math.ceil(Math.log(TAIL_MASS) / logQ);
  }

  /** q = 1 − 1/M. */
  public double q() {
    return 1.0 - 1.0 / workers;
  }

  @Override
  public int next(SplittableRandom rng) {
    if (workers == 1) {
      return 0;
    }
    // Inversion: floor(ln U / ln q) is geometric with P(τ >= l) = q^l; 1 − U avoids ln 0.
    double u = 1.0 - rng.nextDouble();
    long l = (long) Math.floor(Math.log(u) / logQ);
    return (int) Math.min(l, cap);
  }

  @Override
  public int maxDelay() {
    return cap;
  }

  @Override
  public double mean() {
    return workers - 1;
  }

  @Override
  public String spec() {
    return "geometric:" + workers;
  }
}
