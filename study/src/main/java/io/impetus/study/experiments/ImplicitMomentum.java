package io.impetus.study.experiments;

import io.impetus.optim.LrSchedule;
import io.impetus.optim.MomentumStyle;
import io.impetus.optim.OptimizerConfig;
import io.impetus.optim.OptimizerKind;
import io.impetus.study.output.Plots;
import io.impetus.study.simulate.Fmt;
import io.impetus.study.simulate.Problem;
import io.impetus.study.simulate.SimulationConfig;
import io.impetus.study.simulate.Simulator;
import io.impetus.study.simulate.Trajectory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code implicit-momentum} (Mitliagkas et al., 2016, "Asynchrony begets momentum"): with geometric
 * staleness of mean M − 1, the expected iterate of plain asynchronous SGD follows momentum SGD with
 * β = 1 − 1/M; in the EMA convention (v = βv + (1−β)g; x −= αv) at the same step α.
 *
 * <p>Why exactly: with τ_t independent of the past, E[x_{t+1}] = E[x_t] − αh(1−q)Σ_l q^l E[x_{t−l}],
 * and that sum obeys the EMA recursion. Parameters "before the start" are the start (the simulator
 * clips τ to t), so the EMA buffer starts at the gradient of x_0 ({@code primedMomentum}), the
 * history a run that had sat at x_0 would have. The mean over seeds is compared with the EMA run at
 * fixed checkpoints, in units of its standard error; the same comparison against momentum-free SGD
 * shows the test can tell the two apart.
 */
public final class ImplicitMomentum implements Experiment {
  private static final int[] CHECKPOINTS = {5, 10, 20, 40, 80, 150};

  @Override
  public String name() {
    return "implicit-momentum";
  }

  @Override
  public String literature() {
    return "I. Mitliagkas, C. Zhang, S. Hadjis and C. Ré, \"Asynchrony begets momentum, with an application to deep learning\", Allerton 2016";
  }

  @Override
  public String claim() {
    return "With geometric delays of mean M-1, the mean iterate of plain async SGD on a quadratic follows EMA momentum "
        + "with beta = 1 - 1/M at the same step size (Mitliagkas et al. 2016): agreement within 3 standard errors.";
  }

  @Override
  public Outcome run(ExperimentOptions o) throws Exception {
    Problem problem = Problem.quadratic(1, 4);
    double alpha = 0.05;
    int steps = 150;
    int seeds = o.quick() ? 400 : 3000;
    List<Map<String, Object>> table = new ArrayList<>();
    double worstZ = 0;
    double largestPlainZ = 0;
    List<Plots.Line> lines = new ArrayList<>();
    for (int m : new int[] {4, 8}) {
      double beta = 1 - 1.0 / m;
      double[][] mean = new double[steps + 1][2];
      double[][] sq = new double[steps + 1][2];
      SimulationConfig async = SimulationConfig.of(problem, OptimizerConfig.sgd(alpha, 0), "geometric:" + m, steps, 0, 0)
          .with(false, true);
      for (int s = 0; s < seeds; s++) {
        Trajectory tr = Simulator.run(async.withSeed(s));
        for (int t = 0; t <= steps; t++) {
          for (int i = 0; i < 2; i++) {
            double x = tr.iterates()[t][i];
            mean[t][i] += x / seeds;
            sq[t][i] += x * x / seeds;
          }
        }
      }
      OptimizerConfig ema = new OptimizerConfig(OptimizerKind.SGD, alpha, beta, 0, false, MomentumStyle.EMA, 0, 0.9, 0.999, 1e-8,
          false, LrSchedule.constant());
      float[][] emaRun = Simulator.run(SimulationConfig.of(problem, ema, "fixed:0", steps, 0, 0).with(true, true)).iterates();
      float[][] plainRun = Simulator.run(SimulationConfig.of(problem, OptimizerConfig.sgd(alpha, 0), "fixed:0", steps, 0, 0)
          .with(false, true)).iterates();
      for (int t : CHECKPOINTS) {
        for (int i = 0; i < 2; i++) {
          double var = Math.max(0, sq[t][i] - mean[t][i] * mean[t][i]) * seeds / (seeds - 1.0);
          double se = Math.sqrt(var / seeds);
          double z = (mean[t][i] - emaRun[t][i]) / se;
          double zPlain = (mean[t][i] - plainRun[t][i]) / se;
          worstZ = Math.max(worstZ, Math.abs(z));
          largestPlainZ = Math.max(largestPlainZ, Math.abs(zPlain));
          Map<String, Object> row = new LinkedHashMap<>();
          row.put("M", m);
          row.put("t", t);
          row.put("coordinate", i == 0 ? "h=1" : "h=4");
          row.put("async_mean", mean[t][i]);
          row.put("std_error", se);
          row.put("ema_momentum", (double) emaRun[t][i]);
          row.put("z_vs_ema", z);
          row.put("z_vs_plain_sgd", zPlain);
          table.add(row);
        }
      }
      double[] ts = new double[steps + 1];
      double[] am = new double[steps + 1];
      double[] em = new double[steps + 1];
      for (int t = 0; t <= steps; t++) {
        ts[t] = t;
        am[t] = mean[t][0];
        em[t] = emaRun[t][0];
      }
      lines.add(new Plots.Line("M=" + m + " async mean (" + seeds + " seeds)", ts, am));
      lines.add(new Plots.Line("M=" + m + " EMA momentum beta=" + Fmt.num(beta), ts, em));
      o.log().accept("M = " + m + ": " + seeds + " seeds done");
    }
    double[] ts = new double[steps + 1];
    double[] pm = new double[steps + 1];
    float[][] plainRun = Simulator.run(SimulationConfig.of(problem, OptimizerConfig.sgd(alpha, 0), "fixed:0", steps, 0, 0)
        .with(false, true)).iterates();
    for (int t = 0; t <= steps; t++) {
      ts[t] = t;
      pm[t] = plainRun[t][0];
    }
    lines.add(new Plots.Line("plain SGD, no delay", ts, pm));
    Plots.lines(o.out().resolve("mean-iterate.png"), "Mean iterate (h = 1 coordinate) of async SGD vs EMA momentum, alpha = "
        + Fmt.num(alpha), "update", "x (h = 1)", lines, false);
    List<String> evidence = new ArrayList<>();
    evidence.add("largest |async mean - EMA momentum| = " + Fmt.fixed(worstZ, 2) + " standard errors over " + table.size()
        + " checkpoints (M = 4, 8; " + seeds + " seeds each); tolerance 3");
    evidence.add("against momentum-free SGD at the same step the gap reaches " + Fmt.fixed(largestPlainZ, 1)
        + " standard errors, so the comparison can tell the two apart");
    return new Outcome(worstZ <= 3, evidence, table);
  }
}
