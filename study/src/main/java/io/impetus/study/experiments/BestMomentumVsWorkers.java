package io.impetus.study.experiments;

import io.impetus.optim.MomentumStyle;
import io.impetus.optim.OptimizerKind;
import io.impetus.study.simulate.Fmt;
import io.impetus.study.simulate.Problem;
import io.impetus.study.sweep.Setting;
import io.impetus.study.sweep.Sweep;
import io.impetus.study.sweep.SweepConfig;
import io.impetus.study.sweep.SweepOutput;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code best-momentum-vs-workers} (Mitliagkas et al. 2016; Dai et al. 2019): on a noisy
 * ill-conditioned quadratic, asynchrony already supplies momentum, so the best explicit momentum
 * falls as the number of workers M grows, and a fixed β = 0.9 costs more the more workers there are.
 *
 * <p>A sweep over momentum × M (M workers in turn: every gradient M − 1 updates old) at one step
 * size, several seeds; "best" is the lowest final loss (averaged over the last 10% of updates and
 * the seeds). The penalty of β = 0.9 is its final loss over the best one's (infinite if it diverged).
 */
public final class BestMomentumVsWorkers implements Experiment {

  @Override
  public String name() {
    return "best-momentum-vs-workers";
  }

  @Override
  public String literature() {
    return "I. Mitliagkas, C. Zhang, S. Hadjis and C. Ré, \"Asynchrony begets momentum, with an application to deep learning\", Allerton 2016; W. Dai, Y. Zhou, N. Dong, H. Zhang and E. P. Xing, \"Toward understanding the impact of staleness in distributed machine learning\", ICLR 2019";
  }

  @Override
  public String claim() {
    return "On a noisy ill-conditioned quadratic the best explicit momentum for M = 16 workers is lower than for M = 1, "
        + "and the penalty of beta = 0.9 grows with M (Mitliagkas et al. 2016).";
  }

  /** The sweep this experiment runs. */
  static SweepConfig config(boolean quick, int threads) {
    List<Integer> workers = quick ? List.of(1, 4, 16) : List.of(1, 2, 4, 8, 16);
    List<Double> momenta = quick ? List.of(0.0, 0.5, 0.9) : List.of(0.0, 0.3, 0.5, 0.7, 0.8, 0.9, 0.95);
    List<Long> seeds = quick ? List.of(0L, 1L) : List.of(0L, 1L, 2L, 3L);
    return new SweepConfig(Problem.kappa(100, 8), momenta, SweepConfig.delaysForWorkers("round-robin", workers), workers,
        List.of(OptimizerKind.SGD), List.of(0.001), seeds, quick ? 1500 : 3000, 0.5, 0.05, MomentumStyle.PYTORCH, threads);
  }

  @Override
  public Outcome run(ExperimentOptions o) throws Exception {
    SweepConfig c = config(o.quick(), o.threads());
    o.log().accept("sweep of " + c.cells() + " simulations");
    List<io.impetus.study.sweep.CellResult> results = Sweep.run(c, i -> { });
    List<Setting> settings = Setting.of(results);
    SweepOutput.write(c, results, o.out());
    Map<List<Object>, Setting> best = Setting.bestMomentum(settings);
    List<Map<String, Object>> table = new ArrayList<>();
    double[] bestMomentum = new double[c.workers().size()];
    double[] penalty = new double[c.workers().size()];
    for (int d = 0; d < c.workers().size(); d++) {
      Setting b = best.get(List.of(OptimizerKind.SGD, c.lrs().get(0), d, 0));
      Setting at09 = null;
      for (Setting s : settings) {
        if (s.delayIndex() == d && s.momentum() == 0.9) {
          at09 = s;
        }
      }
      bestMomentum[d] = b.momentum();
      penalty[d] = at09.meanTailLoss() / b.meanTailLoss();
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("M", c.workers().get(d));
      row.put("best_momentum", b.momentum());
      row.put("best_final_loss", b.meanTailLoss());
      io.impetus.json.FiniteJson.put(row, "final_loss_at_0.9", at09.meanTailLoss(), "diverged");
      io.impetus.json.FiniteJson.put(row, "penalty_of_0.9", penalty[d], "diverged at momentum 0.9");
      table.add(row);
    }
    int last = bestMomentum.length - 1;
    boolean lower = bestMomentum[last] < bestMomentum[0];
    boolean grows = penalty[last] > penalty[0];
    List<String> evidence = new ArrayList<>();
    evidence.add("best momentum: M = 1 -> " + Fmt.num(bestMomentum[0]) + ", M = " + c.workers().get(last) + " -> "
        + Fmt.num(bestMomentum[last]) + (lower ? " (lower)" : " (NOT lower)"));
    StringBuilder p = new StringBuilder("penalty of beta = 0.9 (final loss / best final loss) by M:");
    for (int d = 0; d < penalty.length; d++) {
      p.append(" M=").append(c.workers().get(d)).append(": ").append(Double.isFinite(penalty[d]) ? Fmt.fixed(penalty[d], 2) + "x" : "diverged");
    }
    evidence.add(p.append(grows ? " (grows)" : " (does NOT grow)").toString());
    return new Outcome(lower && grows, evidence, table);
  }
}
