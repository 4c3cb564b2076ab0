package io.impetus.study.simulate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.impetus.model.Quadratic;
import io.impetus.optim.MomentumStyle;
import io.impetus.optim.Optimizer;
import io.impetus.optim.OptimizerConfig;
import io.impetus.optim.OptimizerKind;
import io.impetus.optim.OptimizerState;
import io.impetus.optim.Optimizers;
import io.impetus.study.theory.DelayedHeavyBall;
import org.junit.jupiter.api.Test;

/** The simulator is the real optimizer with stale gradients: no delay is the plain trajectory, bit for bit. */
class SimulatorTest {

  private static OptimizerConfig ema(double lr, double mu) {
    OptimizerConfig c = OptimizerConfig.sgd(lr, mu);
    return new OptimizerConfig(c.kind(), lr, mu, 0, false, MomentumStyle.EMA, 0, 0.9, 0.999, 1e-8, false, c.schedule());
  }

  @Test
  void fixedZeroReproducesTheOptimizersPlainTrajectoryBitForBit() {
    for (OptimizerConfig opt : new OptimizerConfig[] {
        OptimizerConfig.sgd(0.03, 0.9), ema(0.05, 0.8), OptimizerConfig.defaults(OptimizerKind.ADAM, 0.05)}) {
      Quadratic q = new Quadratic();
      float[] x = q.start();
      float[] g = new float[2];
      Optimizer o = Optimizers.create(opt);
      OptimizerState s = o.newState(2);
      Trajectory tr = Simulator.run(SimulationConfig.of(Problem.catalog("quadratic", 1), opt, "fixed:0", 200, 7, 0));
      for (int t = 0; t < 200; t++) {
        q.lossAndGradient(x, null, g);
        o.step(x, g, s, opt.lr());
        assertEquals(q.loss(x, null), tr.loss()[t + 1], 0.0, opt.kind() + " step " + t);
      }
      assertArrayEquals(x, tr.finalParams(), 0f);
    }
  }

  @Test
  void theSameSeedGivesTheSameNumbersBitForBit() {
    SimulationConfig c = SimulationConfig.of(Problem.kappa(10, 4), OptimizerConfig.sgd(0.02, 0.5), "geometric:4", 300, 42, 0.1);
    Trajectory a = Simulator.run(c);
    Trajectory b = Simulator.run(c);
    assertArrayEquals(a.loss(), b.loss(), 0.0);
    assertArrayEquals(a.delays(), b.delays());
    Trajectory other = Simulator.run(c.withSeed(43));
    assertFalse(java.util.Arrays.equals(a.delays(), other.delays()));
  }

  @Test
  void dataModelsTrainOnMinibatchesDeterministically() {
    SimulationConfig c = SimulationConfig.of(Problem.catalog("mlp-x2", 16), OptimizerConfig.sgd(0.05, 0.5), "uniform:3", 200, 1, 0);
    Trajectory a = Simulator.run(c);
    assertTrue(a.finalLoss() < a.loss()[0], "the loss falls");
    assertArrayEquals(a.loss(), Simulator.run(c).loss(), 0.0);
  }

  @Test
  void delaysAreClippedToTheUpdatesSoFar() {
    Trajectory tr = Simulator.run(SimulationConfig.of(Problem.quadratic(1), OptimizerConfig.sgd(0.1, 0), "round-robin:4", 10, 0, 0));
    assertArrayEquals(new int[] {0, 1, 2, 3, 3, 3, 3, 3, 3, 3}, tr.delays());
  }

  @Test
  void aFixedDelayFollowsTheDelayedHeavyBallRecurrenceAtThePredictedRate() {
    double alpha = 0.3;
    double beta = 0.6;
    int tau = 3;
    Trajectory tr = Simulator.run(SimulationConfig.of(Problem.quadratic(1), OptimizerConfig.sgd(alpha, beta), "fixed:" + tau, 1500, 0, 0));
    double predicted = new DelayedHeavyBall(1, alpha, beta, tau).spectralRadius();
    assertEquals(predicted, RateFit.rate(tr.norm(), tau + 2), 0.01 * predicted);
  }

  @Test
  void aDivergentRunStopsAtTheBoundAndMeasuresARateAboveOne() {
    Trajectory tr = Simulator.run(SimulationConfig.of(Problem.quadratic(1), OptimizerConfig.sgd(1.2, 0), "fixed:1", 5000, 0, 0));
    assertTrue(tr.diverged());
    assertTrue(tr.stepsRun() < 5000);
    double predicted = new DelayedHeavyBall(1, 1.2, 0, 1).spectralRadius();
    assertEquals(predicted, RateFit.rate(tr.norm(), 3), 0.01 * predicted);
  }
}
