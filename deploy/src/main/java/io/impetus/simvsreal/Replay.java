package io.impetus.simvsreal;

import io.impetus.local.FinalEvaluation;
import io.impetus.model.Workload;
import io.impetus.optim.OptimizerConfig;
import io.impetus.study.simulate.Probe;
import io.impetus.study.simulate.Problem;
import io.impetus.study.simulate.SimulationConfig;
import io.impetus.study.simulate.Simulator;
import io.impetus.study.simulate.Trajectory;
import java.util.Arrays;

/**
 * A simulated replay of a real run: the same model, optimizer, seed and number of updates through
 * the {@link Simulator}, with the delays of {@code delay} ({@code histogram:FILE} or {@code trace:FILE}).
 *
 * @param delay the delay model
 * @param finalLoss the whole-training-set loss of the final parameters, judged by the same
 *     {@link FinalEvaluation} as the real run's; NaN when the simulator stopped the run before the end
 * @param minibatchLoss the minibatch loss of every update (at the stale parameters its gradient was
 *     computed from, as a real worker reports it)
 * @param staleness the staleness every update had
 * @param diverged whether the run diverged ({@link LossCurve#diverged}, or the simulator stopped it as diverged)
 */
record Replay(String delay, double finalLoss, double[] minibatchLoss, int[] staleness, boolean diverged) {

  /** Runs {@code updates} simulated updates of {@code problem}, whose initial parameters have loss {@code initialLoss}. */
  static Replay run(Problem problem, OptimizerConfig optimizer, String delay, int updates, long seed, double initialLoss) {
    Losses probe = new Losses(problem.create(), updates);
    Trajectory tr = Simulator.run(SimulationConfig.of(problem, optimizer, delay, updates, seed, 0), probe);
    boolean diverged = tr.diverged() || LossCurve.diverged(probe.finalLoss, initialLoss);
    return new Replay(delay, probe.finalLoss,
        Arrays.copyOf(probe.minibatch, tr.stepsRun()), tr.staleness(), diverged);
  }

  /** Keeps every minibatch loss, and judges the parameters once, after the last update. */
  private static final class Losses implements Probe {
    private final Workload judge;
    private final int updates;
    final double[] minibatch;
    double finalLoss = Double.NaN;

    Losses(Workload judge, int updates) {
      this.judge = judge;
      this.updates = updates;
      this.minibatch = new double[updates];
    }

    @Override
    public int every() {
      return updates;
    }

    @Override
    public void minibatch(int t, double loss) {
      minibatch[t] = loss;
    }

    @Override
    public double observe(int t, float[] params) {
      if (t < updates) {
        return Double.NaN;
      }
      finalLoss = FinalEvaluation.of(judge, params).trainLoss();
      return finalLoss;
    }
  }
}
