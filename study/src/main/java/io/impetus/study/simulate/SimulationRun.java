package io.impetus.study.simulate;

import io.impetus.csv.CsvTable;
import io.impetus.json.FiniteJson;
import io.impetus.optim.MomentumStyle;
import io.impetus.optim.OptimizerConfig;
import io.impetus.optim.OptimizerKind;
import io.impetus.study.delay.DelayScheduler;
import io.impetus.study.delay.Delays;
import io.impetus.study.delay.FixedDelay;
import io.impetus.study.output.Plots;
import io.impetus.study.output.RunFolderWriter;
import io.impetus.study.theory.Stability;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code impetus study simulate}: runs one simulation and leaves a run folder with
 * {@code summary.json}, {@code metrics.csv} (step, loss, norm, delay), {@code loss.png},
 * {@code delays.png} and {@code command.txt}.
 */
public final class SimulationRun {
  private SimulationRun() {}

  /** Runs {@code config}, writes the folder and returns the summary it wrote. */
  public static Map<String, Object> run(SimulationConfig config, double target, RunFolderWriter out, List<String> args)
      throws IOException {
    Trajectory tr = Simulator.run(config);
    Map<String, Object> summary = summarize(config, tr, target);
    out.writeCommand(args);
    out.writeSummary(summary);
    StringBuilder csv = new StringBuilder("step,loss,norm,delay\n");
    for (int t = 0; t <= tr.stepsRun(); t++) {
      csv.append(CsvTable.line(t, Double.toString(tr.loss()[t]), Double.toString(tr.norm()[t]),
          t < tr.stepsRun() ? Integer.toString(tr.delays()[t]) : "")).append('\n');
    }
    out.writeText("metrics.csv", csv.toString());
    double[] steps = new double[tr.stepsRun() + 1];
    for (int t = 0; t < steps.length; t++) {
      steps[t] = t;
    }
    Plots.lines(out.resolve("loss.png"), "Loss: " + config.problem().label() + ", " + config.delay()
        + (config.policy() instanceof io.impetus.staleness.StalenessPolicy.None ? "" : ", " + config.policy().spec()), "update", "loss",
        List.of(new Plots.Line(label(config.optimizer()), steps, tr.loss())), true);
    long[] hist = histogram(tr.delays());
    double[] k = new double[hist.length];
    double[] c = new double[hist.length];
    for (int i = 0; i < hist.length; i++) {
      k[i] = i;
      c[i] = hist[i];
    }
    Plots.lines(out.resolve("delays.png"), "Applied staleness: " + config.delay(), "staleness", "gradients",
        List.of(new Plots.Line("count", k, c)), false);
    return summary;
  }

  /** The figures of a finished simulation. */
  public static Map<String, Object> summarize(SimulationConfig config, Trajectory tr, double target) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("kind", "simulate");
    s.put("problem", config.problem().describe());
    s.put("optimizer", config.optimizer().describe());
    s.put("delay", config.delay());
    s.put("staleness_policy", config.policy().spec());
    s.put("steps", config.steps());
    s.put("seed", config.seed());
    s.put("noise", config.noise());
    s.put("steps_run", tr.stepsRun());
    s.put("diverged", tr.diverged());
    FiniteJson.put(s, "final_loss", tr.finalLoss(), tr.diverged() ? "diverged" : "no finite loss");
    s.put("dropped", tr.dropped());
    s.put("applied", tr.stepsRun() - tr.dropped());
    s.put("last_momentum", tr.lastMomentum());
    s.put("target_loss", target);
    int to = tr.stepsTo(target);
    s.put("steps_to_target", to < 0 ? null : to);
    long[] hist = histogram(tr.delays());
    Map<String, Object> staleness = new LinkedHashMap<>();
    staleness.put("count", tr.delays().length);
    staleness.put("mean", tr.meanDelay());
    staleness.put("max", hist.length - 1);
    List<Long> h = new ArrayList<>();
    for (long v : hist) {
      h.add(v);
    }
    staleness.put("histogram", h);
    s.put("staleness", staleness);
    if (config.problem().isQuadratic()) {
      DelayScheduler d = Delays.parse(config.delay());
      int window = d.maxDelay() + 2;
      FiniteJson.put(s, "measured_rate", RateFit.rate(tr.norm(), window), tr.diverged() ? "diverged"
          : "not measurable: too few steps before the distance to the optimum reached 0 or the float floor");
      Double predicted = predictedRate(config);
      if (predicted != null) {
        s.put("predicted_rate", predicted);
      }
    }
    return s;
  }

  /**
   * The spectral radius of delayed heavy ball, when the run is one the theory covers: a quadratic,
   * SGD without Nesterov, weight decay or schedule, a fixed delay, no noise and staleness policy none. EMA momentum is heavy
   * ball at step lr·(1 − β).
   */
  public static Double predictedRate(SimulationConfig config) {
    OptimizerConfig o = config.optimizer();
    DelayScheduler d = Delays.parse(config.delay());
    if (!config.problem().isQuadratic() || o.kind() != OptimizerKind.SGD || o.nesterov() || o.weightDecay() != 0
        || o.dampening() != 0 || o.schedule().kind() != io.impetus.optim.LrSchedule.Kind.CONSTANT
        || !(d instanceof FixedDelay) || config.noise() != 0
        || !(config.policy() instanceof io.impetus.staleness.StalenessPolicy.None)) {
      return null;
    }
    double alpha = o.momentumStyle() == MomentumStyle.EMA ? o.lr() * (1 - o.momentum()) : o.lr();
    return Stability.spectralRadius(config.problem().curvatures(), alpha, o.momentum(), d.maxDelay());
  }

  /** e.g. {@code sgd lr=0.1 m=0.9}. */
  public static String label(OptimizerConfig o) {
    return o.kind().cliName() + " lr=" + Fmt.num(o.lr())
        + (o.kind() == OptimizerKind.SGD ? " m=" + Fmt.num(o.momentum()) : "");
  }

  static long[] histogram(int[] delays) {
    int max = 0;
    for (int d : delays) {
      max = Math.max(max, d);
    }
    long[] h = new long[max + 1];
    for (int d : delays) {
      h[d]++;
    }
    return h;
  }

}
