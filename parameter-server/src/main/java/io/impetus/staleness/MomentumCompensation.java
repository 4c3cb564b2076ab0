package io.impetus.staleness;

/**
 * Asynchrony with M workers behaves like extra momentum of about 1 - 1/M (Mitliagkas et al. 2016,
 * "Asynchrony begets momentum"). This policy takes that much out of the explicit momentum:
 * mu' = max(muMin, mu - (1 - 1/M_eff)), with M_eff = (mean measured staleness) + 1, so the total
 * stays near what was asked for. Only meaningful for SGD with momentum.
 */
public record MomentumCompensation(double minMomentum) implements StalenessPolicy {
  /** Validates the floor. */
  public MomentumCompensation {
    if (!(minMomentum >= 0 && minMomentum < 1)) {
      throw new IllegalArgumentException("momentum-compensation:MU_MIN needs MU_MIN in [0, 1), got " + minMomentum);
    }
  }

  @Override
  public String spec() {
    return minMomentum == 0 ? "momentum-compensation" : "momentum-compensation:" + minMomentum;
  }

  @Override
  public void adjust(UpdatePlan plan, long staleness, float[] grad, float[] params, float[] readParams,
      double meanStaleness) {
    double workers = meanStaleness + 1;
    double implicit = 1 - 1 / workers;
    plan.setMomentum(Math.max(minMomentum, plan.momentum() - implicit));
  }
}
