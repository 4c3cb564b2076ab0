package io.impetus.cli.study;

import io.impetus.cli.Command;
import io.impetus.cli.Flags;
import io.impetus.cli.OptimizerFlags;
import io.impetus.cli.UsageException;
import io.impetus.optim.MomentumStyle;
import io.impetus.optim.OptimizerKind;
import io.impetus.staleness.StalenessPolicy;
import io.impetus.study.delay.Delays;
import io.impetus.study.output.RunFolderWriter;
import io.impetus.study.report.ReportWriter;
import io.impetus.study.sweep.CellResult;
import io.impetus.study.sweep.Sweep;
import io.impetus.study.sweep.SweepConfig;
import io.impetus.study.sweep.SweepOutput;
import java.util.List;
import java.util.stream.LongStream;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.apache.commons.cli.Options;

/** {@code impetus study sweep}: a grid of simulations in parallel, with results.csv, plots and report.md. */
final class SweepCommand implements Command {

  @Override
  public String name() {
    return "sweep";
  }

  @Override
  public String summary() {
    return "grid over momentum x delay (or workers) x optimizer x lr x staleness policy x seeds, in parallel, with plots and a report";
  }

  @Override
  public String footer() {
    return "\nWrites runs/<time>-sweep/ (or --out): results.csv (one row per cell, with a policy column),\n"
        + "heatmap-*.png (median steps to target over momentum x delay), loss-*.png (mean loss curves),\n"
        + "best-momentum.png, summary.json and report.md.\n"
        + "Example: impetus study sweep --kappa 100 --dim 8 --noise 0.5 --lrs 0.001 --momenta 0,0.5,0.8,0.9 \\\n"
        + "           --workers 1,4,16 --seeds 4 --steps 3000 --target 0.05";
  }

  /** --h as everywhere in the study; --worker-delay is a per-step sleep on local and worker, a delay model here. */
  static final java.util.Map<String, String> RENAMED = java.util.Map.of("h", "curvature", "worker-delay", "delay-model");

  @Override
  public java.util.Map<String, String> renamedFlags() {
    return RENAMED;
  }

  @Override
  public Options options() {
    Options o = new Options();
    StudyFlags.addProblem(o);
    o.addOption(OptimizerFlags.valued("momenta", "M[,M...]", "momentum factors (SGD mu, Adam beta1) (default 0,0.5,0.9)"));
    o.addOption(OptimizerFlags.valued("delays", "SPEC[,SPEC...]", "delay specs (default fixed:0,fixed:1,fixed:2,fixed:4,fixed:8)"));
    o.addOption(OptimizerFlags.valued("workers", "M[,M...]", "instead of --delays: worker counts, each simulated as --delay-model:M"));
    o.addOption(OptimizerFlags.valued("delay-model", "KIND",
        "with --workers, the staleness M workers cause: round-robin (tau = M-1) or geometric (mean M-1) (default round-robin)"));
    o.addOption(OptimizerFlags.valued("optimizers", "NAME[,NAME...]", "sgd, adam, adamw (default sgd)"));
    o.addOption(OptimizerFlags.valued("momentum-style", "STYLE", "SGD momentum convention: pytorch, classic or ema (default pytorch)"));
    o.addOption(OptimizerFlags.valued("lrs", "LR[,LR...]", "learning rates (default 0.01)"));
    o.addOption(OptimizerFlags.valued("staleness-policy", "POLICY", "one staleness policy for every cell (default none)"));
    o.addOption(OptimizerFlags.valued("policies", "POLICY[,POLICY...]",
        "staleness policies as a grid axis: none, lr-divide, drop:K, dc-asgd:LAMBDA, momentum-compensation[:MU_MIN]"));
    o.addOption(OptimizerFlags.valued("seeds", "N", "seeds per setting: 0..N-1 (default 3)"));
    o.addOption(OptimizerFlags.valued("steps", "T", "updates per cell (default 1000)"));
    o.addOption(OptimizerFlags.valued("noise", "SIGMA", "Gaussian gradient noise (default 0)"));
    o.addOption(OptimizerFlags.valued("target", "LOSS", "loss that counts as converged (default 1e-3)"));
    o.addOption(OptimizerFlags.valued("threads", "N", "parallel simulations (default: available cores)"));
    o.addOption(OptimizerFlags.valued("out", "DIR", "run folder (default runs/<time>-sweep)"));
    o.addOption(StudyFlags.flag("no-progress", "no progress bar"));
    return o;
  }

  @Override
  public int run(Flags f) throws Exception {
    SweepConfig c;
    try {
      if (f.has("workers") && f.has("delays")) {
        throw new UsageException("give --delays or --workers, not both");
      }
      List<Integer> workers = StudyFlags.list(f, "workers", Integer::parseInt, "whole numbers");
      String kind = f.stringOr("delay-model", "round-robin");
      if (!kind.equals("round-robin") && !kind.equals("geometric")) {
        throw new UsageException("--delay-model must be round-robin or geometric, got '" + kind + "'");
      }
      List<String> delays = workers.isEmpty() ? StudyFlags.list(f, "delays", s -> {
        Delays.parse(s);
        return s;
      }, "delay specs") : SweepConfig.delaysForWorkers(kind, workers);
      if (delays.isEmpty()) {
        delays = List.of("fixed:0", "fixed:1", "fixed:2", "fixed:4", "fixed:8");
      }
      List<Double> momenta = StudyFlags.doubles(f, "momenta");
      List<OptimizerKind> optimizers = StudyFlags.list(f, "optimizers", OptimizerKind::parse, "optimizer names");
      List<Double> lrs = StudyFlags.doubles(f, "lrs");
      if (f.has("staleness-policy") && f.has("policies")) {
        throw new UsageException("give --staleness-policy or --policies, not both");
      }
      List<String> policies = f.has("policies") ? StudyFlags.list(f, "policies", s -> {
        StalenessPolicy.parse(s);
        return s;
      }, "staleness policies") : List.of(f.stringOr("staleness-policy", "none"));
      int seeds = f.integer("seeds", 3);
      if (seeds < 1) {
        throw new UsageException("--seeds must be >= 1");
      }
      c = new SweepConfig(StudyFlags.problem(f), momenta.isEmpty() ? List.of(0.0, 0.5, 0.9) : momenta, delays, workers,
          optimizers.isEmpty() ? List.of(OptimizerKind.SGD) : optimizers, lrs.isEmpty() ? List.of(0.01) : lrs,
          LongStream.range(0, seeds).boxed().toList(), f.integer("steps", 1000), f.number("noise", 0), f.number("target", 1e-3),
          f.choice("momentum-style", MomentumStyle.PYTORCH, MomentumStyle::parse),
          f.integer("threads", Runtime.getRuntime().availableProcessors()), policies);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    RunFolderWriter out = new RunFolderWriter(RunFolderWriter.defaultDir(f.string("out"), "sweep"));
    List<CellResult> results;
    if (f.has("no-progress")) {
      results = Sweep.run(c, i -> { });
    } else {
      try (ProgressBar bar = new ProgressBarBuilder().setTaskName("sweep").setInitialMax(c.cells())
          .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(200).build()) {
        results = Sweep.run(c, i -> bar.step());
      }
    }
    SweepOutput.write(c, results, out);
    out.writeCommand(StudyFlags.echo("sweep", f));
    System.out.println(c.cells() + " simulations; report: " + ReportWriter.write(out.dir()));
    return 0;
  }
}
