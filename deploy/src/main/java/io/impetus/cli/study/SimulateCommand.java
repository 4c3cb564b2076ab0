package io.impetus.cli.study;

import io.impetus.cli.Command;
import io.impetus.cli.Flags;
import io.impetus.cli.OptimizerFlags;
import io.impetus.cli.UsageException;
import io.impetus.optim.OptimizerConfig;
import io.impetus.study.delay.Delays;
import io.impetus.study.output.RunFolderWriter;
import io.impetus.study.simulate.SimulationConfig;
import io.impetus.study.simulate.SimulationRun;
import java.util.Map;
import org.apache.commons.cli.Options;

/** {@code impetus study simulate}: one simulated asynchronous run, written as a run folder. */
final class SimulateCommand implements Command {

  @Override
  public String name() {
    return "simulate";
  }

  @Override
  public String summary() {
    return "simulate async training in one process (real optimizers and models, scheduled delays)";
  }

  @Override
  public String footer() {
    return "\nDelays: fixed:TAU (every gradient TAU updates old), uniform:S (uniform on 0..S), geometric:M (mean M-1),\n"
        + "round-robin:M (M workers in turn), histogram:FILE (i.i.d. from a staleness,count CSV, or a summary.json's\n"
        + "staleness.histogram), trace:FILE[@shard=N] (the staleness column of a shard,worker,version,staleness CSV\n"
        + "replayed in order for shard N, default 0; wraps around when the run is longer). See docs/study.md.\n"
        + "Staleness policies act exactly as on a shard (io.impetus.shard.SliceUpdater); a dropped gradient uses up its update slot.\n"
        + "Writes runs/<time>-simulate/ (or --out): summary.json, metrics.csv, loss.png, delays.png, command.txt.\n"
        + "Example: impetus study simulate --kappa 100 --dim 8 --delay geometric:8 --momentum 0.5 --lr 0.005 --noise 0.1";
  }

  @Override
  public java.util.Map<String, String> renamedFlags() {
    return StudyFlags.RENAMED;
  }

  @Override
  public Options options() {
    Options o = new Options();
    StudyFlags.addProblem(o);
    o.addOption(OptimizerFlags.valued("delay", "SPEC", Delays.FORMS + " (default fixed:0)"));
    o.addOption(OptimizerFlags.valued("steps", "T", "updates (default 1000)"));
    o.addOption(OptimizerFlags.valued("seed", "S", "seed of delays, noise and minibatches (default 0)"));
    o.addOption(OptimizerFlags.valued("noise", "SIGMA", "Gaussian noise added to every gradient coordinate (default 0)"));
    o.addOption(OptimizerFlags.valued("target", "LOSS", "loss for steps_to_target (default 1e-6)"));
    o.addOption(OptimizerFlags.valued("staleness-policy", "POLICY",
        "none, lr-divide, drop:K, dc-asgd:LAMBDA or momentum-compensation[:MU_MIN], applied as a shard does (default none)"));
    o.addOption(OptimizerFlags.valued("out", "DIR", "run folder (default runs/<time>-simulate)"));
    OptimizerFlags.addTo(o, OptimizerConfig.sgd(0.01, 0.0));
    return o;
  }

  @Override
  public int run(Flags f) throws Exception {
    SimulationConfig config;
    try {
      config = new SimulationConfig(StudyFlags.problem(f), OptimizerFlags.parse(f, OptimizerConfig.sgd(0.01, 0.0)),
          f.stringOr("delay", "fixed:0"), f.integer("steps", 1000), f.longOrNull("seed") == null ? 0 : f.longOrNull("seed"),
          f.number("noise", 0), false, false, f.stringOr("staleness-policy", "none"));
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    try {
      Delays.parse(config.delay());
    } catch (IllegalArgumentException e) {
      throw new UsageException("--delay: " + e.getMessage());
    }
    RunFolderWriter out = new RunFolderWriter(RunFolderWriter.defaultDir(f.string("out"), "simulate"));
    Map<String, Object> s = SimulationRun.run(config, f.number("target", 1e-6), out, StudyFlags.echo("simulate", f));
    System.out.printf("final loss %s after %s updates%s; mean staleness %.3f%s%n", s.get("final_loss"), s.get("steps_run"),
        Boolean.TRUE.equals(s.get("diverged")) ? " (diverged)" : "", ((Map<?, ?>) s.get("staleness")).get("mean"),
        ((Integer) s.get("dropped")) > 0 ? "; " + s.get("dropped") + " gradients dropped by " + s.get("staleness_policy") : "");
    if (s.containsKey("measured_rate")) {
      System.out.println("measured rate " + s.get("measured_rate")
          + (s.containsKey("predicted_rate") ? ", predicted " + s.get("predicted_rate") : ""));
    }
    System.out.println("run folder: " + out.dir());
    return 0;
  }
}
