package io.impetus.study.simulate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.impetus.optim.OptimizerConfig;
import io.impetus.optim.OptimizerKind;
import org.junit.jupiter.api.Test;

/**
 * The simulator updates through the shard's {@code SliceUpdater}: staleness policies act on simulated
 * gradients exactly as on a shard, and policy {@code none} changes nothing.
 */
class StalenessPolicySimulationTest {

  private static SimulationConfig quad(String delay, double lr, double mu, String policy) {
    return SimulationConfig.of(Problem.kappa(10, 4), OptimizerConfig.sgd(lr, mu), delay, 400, 3, 0.1).withPolicy(policy);
  }

  @Test
  void policiesThatCannotActOnThisRunReproduceNoneBitForBit() {
    // dc-asgd with lambda 0 corrects nothing (and its extra ring slot moves no number); momentum
    // compensation without staleness has no implicit momentum to take out.
    Trajectory none = Simulator.run(quad("geometric:4", 0.02, 0.5, "none"));
    Trajectory dc0 = Simulator.run(quad("geometric:4", 0.02, 0.5, "dc-asgd:0"));
    assertArrayEquals(none.loss(), dc0.loss(), 0.0);
    assertArrayEquals(none.finalParams(), dc0.finalParams(), 0f);
    Trajectory fresh = Simulator.run(quad("fixed:0", 0.02, 0.9, "none"));
    Trajectory compensated = Simulator.run(quad("fixed:0", 0.02, 0.9, "momentum-compensation"));
    assertArrayEquals(fresh.loss(), compensated.loss(), 0.0);
    assertEquals(0.9, compensated.lastMomentum(), 0.0);
  }

  @Test
  void dcAsgdCorrectsTheGradientWithTheIterateItWasReadAt() {
    // f = x^2/2 from x0 = 1, lr a, fixed:1. Update 0 is fresh: x1 = 1 - a. Update 1 uses g = x0 = 1
    // read at x0, corrected to g + lambda g^2 (x1 - x0) = 1 - lambda a.
    float a = 0.1f;
    float lambda = 2f;
    Trajectory tr = Simulator.run(SimulationConfig.of(Problem.quadratic(1), OptimizerConfig.sgd(a, 0), "fixed:1", 2, 0, 0)
        .withPolicy("dc-asgd:2").with(false, true));
    float x1 = 1f - a;
    float g = Math.fma(lambda * 1f * 1f, x1 - 1f, 1f);
    assertEquals(x1, tr.iterates()[1][0], 0f);
    assertEquals(x1 - a * g, tr.iterates()[2][0], 1e-7f);
    assertNotEquals(x1 - a * 1f, tr.iterates()[2][0]);
  }

  @Test
  void dropRefusesExactlyTheGradientsStalerThanKInAppliedUpdatesAndCountsThem() {
    Trajectory tr = Simulator.run(SimulationConfig.of(Problem.quadratic(1, 4), OptimizerConfig.sgd(0.05, 0.5), "fixed:6", 60, 0, 0)
        .withPolicy("drop:2"));
    int stale = 0;
    for (int t = 0; t < tr.stepsRun(); t++) {
      boolean dropped = tr.staleness()[t] > 2;
      stale += dropped ? 1 : 0;
      if (dropped) {
        assertEquals(tr.loss()[t], tr.loss()[t + 1], 0.0, "a dropped gradient leaves the parameters as they were, step " + t);
      }
      assertTrue(tr.staleness()[t] <= tr.delays()[t], "staleness in updates never exceeds the delay in arrivals");
    }
    assertTrue(stale > 0);
    assertEquals(stale, tr.dropped());
    // The first gradients are fresh enough: delays clipped to 0, 1, 2 are applied.
    assertArrayEquals(new int[] {0, 1, 2}, java.util.Arrays.copyOf(tr.staleness(), 3));
  }

  @Test
  void momentumCompensationTakesOutTheImplicitMomentumOfTheMeasuredStaleness() {
    // Geometric delays of mean 15 add about 1 - 1/16 = 0.94 of implicit momentum: more than the
    // explicit 0.9, so the compensated momentum ends at the floor 0.
    Trajectory tr = Simulator.run(quad("geometric:16", 0.002, 0.9, "momentum-compensation"));
    assertEquals(0.0, tr.lastMomentum(), 0.0);
    Trajectory floored = Simulator.run(quad("geometric:16", 0.002, 0.9, "momentum-compensation:0.2"));
    assertEquals(0.2, floored.lastMomentum(), 0.0);
  }

  @Test
  void lrDivideWithStalenessOneChangesNothing() {
    // lr / max(1, staleness) with staleness at most 1 is the configured lr.
    assertArrayEquals(Simulator.run(quad("fixed:1", 0.02, 0.5, "none")).loss(),
        Simulator.run(quad("fixed:1", 0.02, 0.5, "lr-divide")).loss(), 0.0);
    assertNotEquals(Simulator.run(quad("fixed:4", 0.02, 0.5, "none")).finalLoss(),
        Simulator.run(quad("fixed:4", 0.02, 0.5, "lr-divide")).finalLoss());
  }

  @Test
  void momentumCompensationNeedsSgdWithMomentum() {
    assertThrows(IllegalArgumentException.class, () -> quad("fixed:0", 0.02, 0, "momentum-compensation"));
    assertThrows(IllegalArgumentException.class, () -> SimulationConfig.of(Problem.quadratic(1),
        OptimizerConfig.defaults(OptimizerKind.ADAM, 0.01), "fixed:0", 10, 0, 0).withPolicy("momentum-compensation"));
    assertThrows(IllegalArgumentException.class, () -> quad("fixed:0", 0.02, 0.5, "drop"));
  }
}
