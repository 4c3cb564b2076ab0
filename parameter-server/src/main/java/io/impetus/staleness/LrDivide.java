package io.impetus.staleness;

/**
 * Divides the step's learning rate by max(1, staleness) (Zhang et al. 2016, "Staleness-aware
 * Async-SGD"), so an old gradient moves the parameters less.
 */
public record LrDivide() implements StalenessPolicy {
  @Override
  public String spec() {
    return "lr-divide";
  }

  @Override
  public void adjust(UpdatePlan plan, long staleness, float[] grad, float[] params, float[] readParams,
      double meanStaleness) {
    plan.setLr(plan.lr() / Math.max(1, staleness));
  }
}
