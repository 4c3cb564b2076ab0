package io.impetus.study.sweep;

import io.impetus.csv.CsvTable;
import io.impetus.optim.OptimizerKind;
import io.impetus.study.delay.Delays;
import io.impetus.study.output.Plots;
import io.impetus.study.output.RunFolderWriter;
import io.impetus.study.simulate.Fmt;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;

/**
 * Writes a finished sweep: {@code results.csv} (one row per cell), {@code summary.json} (the config
 * and the best momentum per delay), and per (optimizer, lr) a heatmap of median steps-to-target over
 * (momentum, delay) and the mean loss curves, plus {@code best-momentum.png} (best momentum against M
 * or mean delay).
 */
public final class SweepOutput {
  /** The columns of results.csv. */
  public static final String CSV_HEADER =
      "optimizer,lr,momentum,momentum_style,delay,workers,policy,seed,steps,noise,target,steps_to_target,final_loss,tail_loss,diverged,"
          + "dropped";

  private SweepOutput() {}

  /** Writes every file; returns the summary written to summary.json. */
  public static Map<String, Object> write(SweepConfig c, List<CellResult> results, RunFolderWriter out) throws IOException {
    StringBuilder csv = new StringBuilder(CSV_HEADER).append('\n').append(csvRows(c, results));
    out.writeText("results.csv", csv.toString());
    List<Setting> settings = Setting.of(results);
    Map<List<Object>, Setting> best = Setting.bestMomentum(settings);
    for (int p = 0; p < c.policies().size(); p++) {
      for (OptimizerKind kind : c.optimizers()) {
        for (double lr : c.lrs()) {
          String tag = kind.cliName() + "-lr" + Fmt.num(lr) + (c.hasPolicyAxis() ? "-" + fileSafe(c.policies().get(p)) : "");
          heatmap(c, settings, kind, lr, p, out.resolve("heatmap-" + tag + ".png").toString());
          curves(c, settings, kind, lr, p, out, "loss-" + tag + ".png");
        }
      }
    }
    bestPlot(c, best, out);
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("kind", "sweep");
    summary.put("problem", c.problem().describe());
    summary.put("momenta", c.momenta());
    summary.put("delays", c.delays());
    if (!c.workers().isEmpty()) {
      summary.put("workers", c.workers());
    }
    summary.put("optimizers", c.optimizers().stream().map(OptimizerKind::cliName).toList());
    summary.put("momentum_style", c.style().cliName());
    summary.put("lrs", c.lrs());
    summary.put("policies", c.policies());
    summary.put("seeds", c.seeds());
    summary.put("steps", c.steps());
    summary.put("noise", c.noise());
    summary.put("target_loss", c.target());
    summary.put("cells", results.size());
    List<Map<String, Object>> bests = new ArrayList<>();
    for (Setting s : best.values()) {
      Map<String, Object> b = new LinkedHashMap<>();
      b.put("optimizer", s.optimizer().cliName());
      b.put("lr", s.lr());
      b.put("delay", c.delayLabel(s.delayIndex()));
      b.put("policy", c.policies().get(s.policyIndex()));
      b.put("best_momentum", s.momentum());
      io.impetus.json.FiniteJson.put(b, "tail_loss", s.meanTailLoss(), "a seed diverged");
      bests.add(b);
    }
    summary.put("best_momentum", bests);
    out.writeSummary(summary);
    return summary;
  }

  /** The rows of results.csv (no header) for {@code results} of sweep {@code c}, one per cell. */
  public static String csvRows(SweepConfig c, List<CellResult> results) {
    StringBuilder csv = new StringBuilder();
    for (CellResult r : results) {
      Cell cell = r.cell();
      // A delay spec may hold a comma (histogram:FILE): CsvTable quotes such a field, and only such.
      csv.append(CsvTable.line(cell.optimizer().cliName(), Fmt.num(cell.lr()), Fmt.num(cell.momentum()), c.style().cliName(),
          c.delays().get(cell.delayIndex()), c.workers().isEmpty() ? "" : c.workers().get(cell.delayIndex()),
          c.policies().get(cell.policyIndex()), cell.seed(), c.steps(), Fmt.num(c.noise()), Fmt.num(c.target()),
          r.stepsToTarget() < 0 ? "" : Integer.toString(r.stepsToTarget()), Double.toString(r.finalLoss()),
          Double.toString(r.tailLoss()), r.diverged() ? "yes" : "no", r.dropped())).append('\n');
    }
    return csv.toString();
  }

  /** A policy spec as part of a file name: {@code dc-asgd:0.1} becomes {@code dc-asgd-0.1}. */
  static String fileSafe(String spec) {
    return spec.replaceAll("[^A-Za-z0-9._-]", "-");
  }

  private static String policyTitle(SweepConfig c, int p) {
    return c.hasPolicyAxis() ? ", " + c.policies().get(p) : "";
  }

  private static void heatmap(SweepConfig c, List<Setting> settings, OptimizerKind kind, double lr, int p, String png)
      throws IOException {
    List<String> xs = new ArrayList<>();
    for (int d = 0; d < c.delays().size(); d++) {
      xs.add(c.delayLabel(d));
    }
    List<String> ys = new ArrayList<>();
    for (double m : c.momenta()) {
      ys.add(Fmt.num(m));
    }
    List<Number[]> heat = new ArrayList<>();
    for (Setting s : settings) {
      if (s.optimizer() == kind && s.lr() == lr && s.policyIndex() == p) {
        // Unreached cells are drawn at the run length: "at least this many".
        double v = Double.isFinite(s.medianSteps()) ? s.medianSteps() : c.steps();
        heat.add(new Number[] {s.delayIndex(), c.momenta().indexOf(s.momentum()), v});
      }
    }
    HeatMapChart chart = new HeatMapChartBuilder().width(900).height(560)
        .title("Median steps to loss " + Fmt.num(c.target()) + " (" + kind.cliName() + ", lr " + Fmt.num(lr) + "; " + c.steps()
            + " = not reached)")
        .xAxisTitle("delay").yAxisTitle("momentum").build();
    chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
    chart.getStyler().setShowValue(true);
    chart.getStyler().setPlotContentSize(0.999);
    chart.addSeries("steps", xs, ys, heat);
    Plots.save(chart, java.nio.file.Path.of(png));
  }

  private static void curves(SweepConfig c, List<Setting> settings, OptimizerKind kind, double lr, int p, RunFolderWriter out,
      String png) throws IOException {
    List<Plots.Line> lines = new ArrayList<>();
    for (Setting s : settings) {
      if (s.optimizer() == kind && s.lr() == lr && s.policyIndex() == p) {
        lines.add(new Plots.Line("m=" + Fmt.num(s.momentum()) + " " + c.delayLabel(s.delayIndex()), s.curveSteps(), s.meanCurve()));
      }
    }
    Plots.lines(out.resolve(png), "Mean loss over seeds (" + kind.cliName() + ", lr " + Fmt.num(lr) + policyTitle(c, p) + ")", "update", "loss", lines,
        true);
  }

  private static void bestPlot(SweepConfig c, Map<List<Object>, Setting> best, RunFolderWriter out) throws IOException {
    List<Plots.Line> lines = new ArrayList<>();
    for (int p = 0; p < c.policies().size(); p++) {
      for (OptimizerKind kind : c.optimizers()) {
        for (double lr : c.lrs()) {
          double[] x = new double[c.delays().size()];
          double[] y = new double[c.delays().size()];
          for (int d = 0; d < x.length; d++) {
            x[d] = c.workers().isEmpty() ? Delays.parse(c.delays().get(d)).mean() : c.workers().get(d);
            Setting s = best.get(List.of(kind, lr, d, p));
            y[d] = s == null || !Double.isFinite(s.meanTailLoss()) ? Double.NaN : s.momentum();
          }
          lines.add(new Plots.Line(kind.cliName() + " lr=" + Fmt.num(lr) + policyTitle(c, p), x, y));
        }
      }
    }
    Plots.lines(out.resolve("best-momentum.png"), "Best momentum (lowest final loss)",
        c.workers().isEmpty() ? "mean delay" : "workers M", "best momentum", lines, false);
  }
}
