package io.impetus.staleness;

/**
 * DC-ASGD (Zheng et al. 2017): corrects a stale gradient with a cheap diagonal approximation of the
 * Hessian, g' = g + lambda * g * g * (w_now - w_read), where w_read is the slice the worker computed
 * the gradient from. Needs that slice, so the shard keeps one copy per worker of the values it last
 * sent it.
 */
public record DelayCompensation(double lambda) implements StalenessPolicy {
  /** Validates lambda. */
  public DelayCompensation {
    if (!(lambda >= 0) || Double.isInfinite(lambda)) {
      throw new IllegalArgumentException("dc-asgd:LAMBDA needs a finite LAMBDA >= 0, got " + lambda);
    }
  }

  @Override
  public String spec() {
    return "dc-asgd:" + lambda;
  }

  @Override
  public boolean needsReadParams() {
    return true;
  }

  @Override
  public void adjust(UpdatePlan plan, long staleness, float[] grad, float[] params, float[] readParams,
      double meanStaleness) {
    if (staleness == 0 || readParams == null) {
      return; // w_now == w_read: nothing to compensate
    }
    float l = (float) lambda;
    for (int i = 0; i < grad.length; i++) {
      float g = grad[i];
      grad[i] = Math.fma(l * g * g, params[i] - readParams[i], g);
    }
  }
}
