package io.impetus.simvsreal;

import io.impetus.csv.CsvTable;
import io.impetus.json.FiniteJson;
import io.impetus.study.experiments.ExperimentOptions;
import io.impetus.study.experiments.Outcome;
import io.impetus.study.output.Plots;
import io.impetus.study.simulate.Fmt;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Judges the {@code sim-vs-real} cells against the claim's tolerance and writes the evidence: the
 * table (one row per setting and delay model), {@code curves.csv} (the window means of every run),
 * a figure of the curves per model and optimizer, and a line per setting on how its real staleness
 * differs from what a histogram can reproduce.
 */
final class Verdict {
  private final List<SimVsReal.Cell> cells;
  private final List<String> notes;

  /** @param notes lines for the evidence that the cells do not carry (e.g. a skipped data set) */
  Verdict(List<SimVsReal.Cell> cells, List<String> notes) {
    this.cells = cells;
    this.notes = notes;
  }

  /** One replay judged against its real run. */
  private record Match(double finalGap, double curveGap, boolean divergenceAgrees) {
    boolean within() {
      return finalGap <= SimVsReal.TOLERANCE && curveGap <= SimVsReal.TOLERANCE && divergenceAgrees;
    }
  }

  private static Match match(RealRun real, Replay sim) {
    int n = real.updates();
    double[] realCurve = LossCurve.windowMeans(real.minibatchLoss(), n, SimVsReal.WINDOWS);
    double[] simCurve = LossCurve.windowMeans(sim.minibatchLoss(), n, SimVsReal.WINDOWS);
    return new Match(LossCurve.logGap(LossCurve.judged(real.finalLoss(), real.diverged()),
        LossCurve.judged(sim.finalLoss(), sim.diverged())), LossCurve.maxLogGap(realCurve, simCurve),
        real.diverged() == sim.diverged());
  }

  Outcome judge(ExperimentOptions o) throws IOException {
    List<Map<String, Object>> table = new ArrayList<>();
    List<String> evidence = new ArrayList<>();
    boolean all = true;
    int held = 0;
    double worstFinal = 0;
    double worstCurve = 0;
    for (SimVsReal.Cell c : cells) {
      RealRun real = c.real();
      StalenessPattern realPattern = StalenessPattern.of(real.staleness(), real.worker());
      StringBuilder line = new StringBuilder(c.setting().label() + ": real staleness mean "
          + Fmt.fixed(realPattern.mean(), 2) + ", max " + realPattern.max() + " at " + Fmt.fixed(100 * realPattern.maxAt(), 0)
          + "% of the run, lag-1 autocorrelation " + Fmt.fixed(realPattern.lag1(), 2)
          + ", per-worker mean " + Fmt.fixed(realPattern.workerMin(), 2) + ".." + Fmt.fixed(realPattern.workerMax(), 2)
          + "; final loss real " + Fmt.num(real.finalLoss()));
      for (Replay sim : List.of(c.histogram(), c.trace())) {
        Match m = match(real, sim);
        String model = kind(sim);
        StalenessPattern simPattern = StalenessPattern.of(sim.staleness(), null);
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("setting", c.setting().label());
        row.put("delay_model", model);
        row.put("updates", real.updates());
        row.put("real_mean_staleness", realPattern.mean());
        row.put("sim_mean_staleness", simPattern.mean());
        row.put("real_max_staleness", realPattern.max());
        row.put("sim_max_staleness", simPattern.max());
        row.put("real_staleness_lag1", realPattern.lag1());
        row.put("sim_staleness_lag1", simPattern.lag1());
        FiniteJson.put(row, "real_final_loss", real.finalLoss(), "not finite");
        FiniteJson.put(row, "sim_final_loss", sim.finalLoss(), "not finite (or stopped as diverged)");
        FiniteJson.put(row, "final_log10_gap", m.finalGap(), "one side diverged (0 when both did)");
        FiniteJson.put(row, "max_checkpoint_log10_gap", m.curveGap(), "one side diverged");
        row.put("real_diverged", real.diverged() ? "yes" : "no");
        row.put("sim_diverged", sim.diverged() ? "yes" : "no");
        row.put("within_tolerance", m.within() ? "yes" : "no");
        table.add(row);
        all &= m.within();
        held += m.within() ? 1 : 0;
        worstFinal = Math.max(worstFinal, m.finalGap());
        worstCurve = Math.max(worstCurve, m.curveGap());
        line.append(", ").append(model).append(' ').append(Fmt.num(sim.finalLoss())).append(" (final gap ")
            .append(Fmt.fixed(m.finalGap(), 3)).append(", curve gap ").append(Fmt.fixed(m.curveGap(), 3))
            .append(m.within() ? ")" : ", OUT of tolerance" + (m.divergenceAgrees() ? "" : ": divergence differs") + ")");
      }
      evidence.add(line.toString());
    }
    evidence.add(0, held + " of " + 2 * cells.size() + " replays (" + cells.size() + " settings x histogram, trace) "
        + "within tolerance; worst final-loss gap " + Fmt.fixed(worstFinal, 3) + ", worst checkpoint gap "
        + Fmt.fixed(worstCurve, 3) + " (|log10 sim - log10 real|, tolerance " + SimVsReal.TOLERANCE + ")");
    evidence.add("loss: final = whole-training-set loss of the final parameters (the same FinalEvaluation code on both "
        + "sides); checkpoints = minibatch loss (at the parameters the gradient was computed from) averaged over "
        + SimVsReal.WINDOWS + " equal windows of updates; the real run's comes from metrics.csv joined to staleness.csv");
    evidence.add("what the histogram cannot keep: its draws are i.i.d. (lag-1 autocorrelation ~0), blind to which "
        + "worker sent the gradient and to when a rare large staleness happened (a real run's come from one worker "
        + "that stalls at a given time: while it starts, while worker 0 evaluates the test set at an epoch's end, "
        + "when the scheduler leaves it out; a histogram puts them anywhere); the trace replays the real order and keeps all of that; no side keeps "
        + "the real workers' data partitions, so the minibatch order differs between real and simulated runs");
    evidence.addAll(notes);
    writeCurves(o);
    return new Outcome(all, evidence, table);
  }

  /** {@code histogram} or {@code trace}, from the delay spec. */
  private static String kind(Replay r) {
    return r.delay().substring(0, r.delay().indexOf(':'));
  }

  private void writeCurves(ExperimentOptions o) throws IOException {
    StringBuilder csv = new StringBuilder("setting,update,real,histogram,trace\n");
    Map<String, List<Plots.Line>> figures = new LinkedHashMap<>();
    for (SimVsReal.Cell c : cells) {
      int n = c.real().updates();
      double[] at = LossCurve.checkpoints(n, SimVsReal.WINDOWS);
      double[] real = LossCurve.windowMeans(c.real().minibatchLoss(), n, SimVsReal.WINDOWS);
      double[] hist = LossCurve.windowMeans(c.histogram().minibatchLoss(), n, SimVsReal.WINDOWS);
      double[] trace = LossCurve.windowMeans(c.trace().minibatchLoss(), n, SimVsReal.WINDOWS);
      for (int k = 0; k < at.length; k++) {
        csv.append(CsvTable.line(c.setting().label(), (long) at[k], real[k], hist[k], trace[k])).append('\n');
      }
      List<Plots.Line> lines = figures.computeIfAbsent(c.setting().model() + "-" + c.setting().optimizer(),
          k -> new ArrayList<>());
      String n0 = "N=" + c.setting().workers();
      lines.add(new Plots.Line(n0 + " real", at, real));
      lines.add(new Plots.Line(n0 + " histogram", at, hist));
      lines.add(new Plots.Line(n0 + " trace", at, trace));
    }
    o.out().writeText("curves.csv", csv.toString());
    for (Map.Entry<String, List<Plots.Line>> f : figures.entrySet()) {
      Plots.lines(o.out().resolve("curves-" + f.getKey() + ".png"), f.getKey() + ": minibatch loss, mean over each "
          + "tenth of the updates (real vs simulated)", "update", "minibatch loss", f.getValue(), true);
    }
  }
}
