package io.impetus.study.sweep;

import io.impetus.optim.OptimizerKind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One setting of a sweep (optimizer, lr, delay, momentum) summarized over its seeds.
 *
 * @param optimizer optimizer kind
 * @param lr learning rate
 * @param delayIndex index into the sweep's delay axis
 * @param momentum momentum factor
 * @param seeds runs of this setting
 * @param reached runs that reached the target loss
 * @param diverged runs that diverged
 * @param medianSteps median steps to target over seeds, unreached counting as infinite (so +inf
 *     when fewer than half reached it)
 * @param meanTailLoss mean over seeds of the loss averaged over the last 10% of updates (+inf if any diverged)
 * @param meanCurve the loss curve averaged over seeds
 * @param curveSteps its update numbers
 * @param policyIndex index into the sweep's staleness-policy axis
 * @param meanDropped gradients the policy refused, averaged over seeds
 */
public record Setting(OptimizerKind optimizer, double lr, int delayIndex, double momentum, int seeds, int reached, int diverged,
    double medianSteps, double meanTailLoss, double[] meanCurve, double[] curveSteps, int policyIndex, double meanDropped) {

  /** Groups results by setting (in cell order) and summarizes each group. */
  public static List<Setting> of(List<CellResult> results) {
    Map<List<Object>, List<CellResult>> groups = new LinkedHashMap<>();
    for (CellResult r : results) {
      Cell c = r.cell();
      groups.computeIfAbsent(List.of(c.optimizer(), c.lr(), c.delayIndex(), c.momentum(), c.policyIndex()), k -> new ArrayList<>()).add(r);
    }
    List<Setting> out = new ArrayList<>();
    for (List<CellResult> g : groups.values()) {
      Cell c = g.get(0).cell();
      double[] steps = new double[g.size()];
      int reached = 0;
      int diverged = 0;
      double tail = 0;
      double dropped = 0;
      double[] curve = new double[g.get(0).curve().length];
      for (int i = 0; i < g.size(); i++) {
        CellResult r = g.get(i);
        steps[i] = r.stepsToTarget() < 0 ? Double.POSITIVE_INFINITY : r.stepsToTarget();
        reached += r.stepsToTarget() >= 0 ? 1 : 0;
        diverged += r.diverged() ? 1 : 0;
        tail += r.tailLoss() / g.size();
        dropped += (double) r.dropped() / g.size();
        for (int j = 0; j < curve.length; j++) {
          curve[j] += r.curve()[j] / g.size();
        }
      }
      Arrays.sort(steps);
      double median = steps.length % 2 == 1 ? steps[steps.length / 2]
          : 0.5 * (steps[steps.length / 2 - 1] + steps[steps.length / 2]);
      out.add(new Setting(c.optimizer(), c.lr(), c.delayIndex(), c.momentum(), g.size(), reached, diverged, median, tail, curve,
          g.get(0).curveSteps(), c.policyIndex(), dropped));
    }
    return out;
  }

  /** For each (optimizer, lr, delay, policy): the setting with the lowest mean tail loss (the first on a tie). */
  public static Map<List<Object>, Setting> bestMomentum(List<Setting> settings) {
    Map<List<Object>, Setting> best = new LinkedHashMap<>();
    for (Setting s : settings) {
      List<Object> key = List.of(s.optimizer(), s.lr(), s.delayIndex(), s.policyIndex());
      Setting b = best.get(key);
      if (b == null || s.meanTailLoss() < b.meanTailLoss()) {
        best.put(key, s);
      }
    }
    return best;
  }
}
