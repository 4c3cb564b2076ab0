package io.impetus.study.delay;

import java.util.SplittableRandom;

/** Staleness uniform on {0, ..., s} ({@code uniform:s}), the bounded-delay model of Dai et al. (ICLR 2019). */
public final class UniformDelay implements DelayScheduler {
  private final int bound;

  /** Uniform on {0..bound}. */
  public UniformDelay(int bound) {
    if (bound < 0) {
      throw new IllegalArgumentException("uniform delay bound must be >= 0, got " + bound);
    }
    this.bound = bound;
  }

  @Override
  public int next(SplittableRandom rng) {
    return rng.nextInt(bound + 1);
  }

  @Override
  public int maxDelay() {
    return bound;
  }

  @Override
  public double mean() {
    return bound / 2.0;
  }

  @Override
  public String spec() {
    return "uniform:" + bound;
  }
}
