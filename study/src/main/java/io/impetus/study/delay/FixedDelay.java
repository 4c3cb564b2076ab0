package io.impetus.study.delay;

import java.util.SplittableRandom;

/**
 * Every gradient is exactly {@code tau} updates old ({@code fixed:τ}). {@code round-robin:M} is the
 * same process with τ = M − 1: M workers taking turns each see the other M − 1 updates between
 * reading the parameters and pushing their gradient.
 */
public final class FixedDelay implements DelayScheduler {
  private final int tau;
  private final String spec;

  /** {@code fixed:tau}. */
  public FixedDelay(int tau) {
    this(tau, "fixed:" + tau);
  }

  FixedDelay(int tau, String spec) {
    if (tau < 0) {
      throw new IllegalArgumentException("delay must be >= 0, got " + tau);
    }
    this.tau = tau;
    this.spec = spec;
  }

  /** M workers taking turns: τ = M − 1 once every worker has pushed once. */
  public static FixedDelay roundRobin(int workers) {
    if (workers < 1) {
      throw new IllegalArgumentException("round-robin needs at least 1 worker, got " + workers);
    }
    return new FixedDelay(workers - 1, "round-robin:" + workers);
  }

  @Override
  public int next(SplittableRandom rng) {
    return tau;
  }

  @Override
  public int maxDelay() {
    return tau;
  }

  @Override
  public double mean() {
    return tau;
  }

  @Override
  public String spec() {
    return spec;
  }
}
