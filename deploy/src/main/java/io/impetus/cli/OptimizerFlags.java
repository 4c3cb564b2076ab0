package io.impetus.cli;

import io.impetus.optim.LrSchedule;
import io.impetus.optim.MomentumStyle;
import io.impetus.optim.OptimizerConfig;
import io.impetus.optim.OptimizerKind;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** The optimizer's flags, shared by {@code server} and {@code local}, and their inverse for child processes. */
public final class OptimizerFlags {
  private OptimizerFlags() {}

  /** Adds the optimizer flags to {@code options}; {@code defaults} supplies the values shown in help. */
  public static void addTo(Options options, OptimizerConfig defaults) {
    addTo(options, defaults, "");
  }

  /**
   * As {@link #addTo(Options, OptimizerConfig)}; {@code momentumNote} follows the momentum default in
   * help, e.g. where another command's default differs.
   */
  public static void addTo(Options options, OptimizerConfig defaults, String momentumNote) {
    options.addOption(valued("optimizer", "NAME", "sgd, adam or adamw (default " + defaults.kind().cliName() + ")"));
    options.addOption(valued("lr", "RATE", "base learning rate (default " + defaults.lr() + ")"));
    options.addOption(valued("momentum", "MU", "SGD momentum factor in [0, 1) (default " + defaults.momentum()
        + (momentumNote.isEmpty() ? "" : ": " + momentumNote) + ")"));
    options.addOption(valued("momentum-style", "STYLE",
        "pytorch (v=mu*v+g; p-=lr*v), classic (v=mu*v+lr*g; p-=v) or ema (v=mu*v+(1-mu)*g; p-=lr*v) (default pytorch)"));
    options.addOption(valued("dampening", "D", "SGD dampening, pytorch style only (default 0)"));
    options.addOption(Option.builder().longOpt("nesterov").desc("SGD with Nesterov momentum").get());
    options.addOption(valued("weight-decay", "WD", "L2 penalty (sgd, adam) or decoupled decay (adamw; default 0.01)"));
    options.addOption(valued("beta1", "B1", "Adam first-moment decay (default 0.9)"));
    options.addOption(valued("beta2", "B2", "Adam second-moment decay (default 0.999)"));
    options.addOption(valued("eps", "EPS", "Adam denominator term (default 1e-8)"));
    options.addOption(Option.builder().longOpt("amsgrad").desc("Adam/AdamW with AMSGrad").get());
    options.addOption(valued("lr-schedule", "KIND", "constant, step or cosine (default constant)"));
    options.addOption(valued("lr-step-every", "K", "step schedule: multiply lr by --lr-gamma every K updates"));
    options.addOption(valued("lr-gamma", "G", "step schedule: decay factor (default 0.1)"));
    options.addOption(valued("lr-warmup-steps", "W", "cosine schedule: linear warmup updates (default 0)"));
    options.addOption(valued("lr-total-steps", "T", "cosine schedule: update at which lr reaches --lr-min"));
    options.addOption(valued("lr-min", "LR", "cosine schedule: final learning rate (default 0)"));
  }

  /** Builds the optimizer config from the flags, starting from {@code defaults}. */
  public static OptimizerConfig parse(Flags f, OptimizerConfig defaults) {
    return parse(f, defaults, 0);
  }

  /**
   * As {@link #parse(Flags, OptimizerConfig)}; a cosine schedule without {@code --lr-total-steps}
   * decays over {@code cosineTotalSteps} updates (0: the flag is required).
   */
  public static OptimizerConfig parse(Flags f, OptimizerConfig defaults, long cosineTotalSteps) {
    OptimizerKind kind = f.choice("optimizer", defaults.kind(), OptimizerKind::parse);
    OptimizerConfig base = kind == defaults.kind() ? defaults : OptimizerConfig.defaults(kind, defaults.lr());
    LrSchedule.Kind scheduleKind = f.choice("lr-schedule", base.schedule().kind(), LrSchedule.Kind::parse);
    try {
      LrSchedule schedule =
          new LrSchedule(
              scheduleKind,
              f.longOrNull("lr-step-every") == null ? base.schedule().stepEvery() : f.longOrNull("lr-step-every"),
              f.number("lr-gamma", scheduleKind == LrSchedule.Kind.STEP && !f.has("lr-gamma") ? 0.1 : base.schedule().gamma()),
              f.longOrNull("lr-warmup-steps") == null ? base.schedule().warmupSteps() : f.longOrNull("lr-warmup-steps"),
              f.longOrNull("lr-total-steps") != null ? f.longOrNull("lr-total-steps")
                  : scheduleKind == LrSchedule.Kind.COSINE && cosineTotalSteps > 0 ? cosineTotalSteps
                  : base.schedule().totalSteps(),
              f.number("lr-min", base.schedule().minLr()));
      return new OptimizerConfig(
          kind,
          f.number("lr", base.lr()),
          f.number("momentum", base.momentum()),
          f.number("dampening", base.dampening()),
          f.has("nesterov") || base.nesterov(),
          f.choice("momentum-style", base.momentumStyle(), MomentumStyle::parse),
          f.number("weight-decay", base.weightDecay()),
          f.number("beta1", base.beta1()),
          f.number("beta2", base.beta2()),
          f.number("eps", base.eps()),
          f.has("amsgrad") || base.amsgrad(),
          schedule);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }

  /** The flags that reproduce {@code c} exactly when parsed with any defaults. */
  public static List<String> toArgs(OptimizerConfig c) {
    List<String> a = new ArrayList<>();
    add(a, "optimizer", c.kind().cliName());
    add(a, "lr", Double.toString(c.lr()));
    add(a, "momentum", Double.toString(c.momentum()));
    add(a, "momentum-style", c.momentumStyle().cliName());
    add(a, "dampening", Double.toString(c.dampening()));
    if (c.nesterov()) {
      a.add("--nesterov");
    }
    add(a, "weight-decay", Double.toString(c.weightDecay()));
    add(a, "beta1", Double.toString(c.beta1()));
    add(a, "beta2", Double.toString(c.beta2()));
    add(a, "eps", Double.toString(c.eps()));
    if (c.amsgrad()) {
      a.add("--amsgrad");
    }
    LrSchedule s = c.schedule();
    add(a, "lr-schedule", s.kind().cliName());
    add(a, "lr-step-every", Long.toString(s.stepEvery()));
    add(a, "lr-gamma", Double.toString(s.gamma()));
    add(a, "lr-warmup-steps", Long.toString(s.warmupSteps()));
    add(a, "lr-total-steps", Long.toString(s.totalSteps()));
    add(a, "lr-min", Double.toString(s.minLr()));
    return a;
  }

  /** Appends {@code --flag value}. */
  public static void add(List<String> args, String flag, String value) {
    args.add("--" + flag);
    args.add(value);
  }

  /** A flag that takes a value. */
  public static Option valued(String flag, String arg, String description) {
    return Option.builder().longOpt(flag).hasArg().argName(arg).desc(description).get();
  }
}
