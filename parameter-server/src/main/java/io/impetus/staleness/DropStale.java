package io.impetus.staleness;

/**
 * Refuses gradients staler than {@code maxStaleness}; the worker gets the current parameters and
 * computes a fresh gradient. The shard counts every drop.
 */
public record DropStale(long maxStaleness) implements StalenessPolicy {
  /** Validates the bound. */
  public DropStale {
    if (maxStaleness < 0) {
      throw new IllegalArgumentException("drop:K needs K >= 0, got " + maxStaleness);
    }
  }

  @Override
  public String spec() {
    return "drop:" + maxStaleness;
  }

  @Override
  public void adjust(UpdatePlan plan, long staleness, float[] grad, float[] params, float[] readParams,
      double meanStaleness) {
    if (staleness > maxStaleness) {
      plan.dropGradient();
    }
  }
}
