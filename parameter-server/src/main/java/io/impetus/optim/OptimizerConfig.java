package io.impetus.optim;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every hyperparameter of a shard's optimizer. Fields that a kind does not use keep their defaults
 * and are ignored (SGD ignores betas, Adam ignores momentum). Defaults are PyTorch's.
 *
 * @param kind sgd, adam or adamw
 * @param lr base learning rate (the schedule scales it)
 * @param momentum SGD momentum factor mu (0 for none)
 * @param dampening SGD dampening (PyTorch style only)
 * @param nesterov SGD Nesterov momentum
 * @param momentumStyle which momentum convention SGD follows
 * @param weightDecay L2 penalty (SGD, Adam) or decoupled decay (AdamW)
 * @param beta1 Adam's first-moment decay
 * @param beta2 Adam's second-moment decay
 * @param eps Adam's denominator term
 * @param amsgrad Adam/AdamW with AMSGrad's running max of the second moment
 * @param schedule the learning-rate schedule over the shard's update count
 */
public record OptimizerConfig(
    OptimizerKind kind,
    double lr,
    double momentum,
    double dampening,
    boolean nesterov,
    MomentumStyle momentumStyle,
    double weightDecay,
    double beta1,
    double beta2,
    double eps,
    boolean amsgrad,
    LrSchedule schedule) {

  /** Validates ranges with messages that name the command-line flag. */
  public OptimizerConfig {
    requireFinite("--lr", lr);
    if (lr < 0) {
      throw new IllegalArgumentException("--lr must be >= 0, got " + lr);
    }
    if (momentum < 0 || momentum >= 1 || Double.isNaN(momentum)) {
      throw new IllegalArgumentException("--momentum must be in [0, 1), got " + momentum);
    }
    if (dampening < 0 || dampening > 1 || Double.isNaN(dampening)) {
      throw new IllegalArgumentException("--dampening must be in [0, 1], got " + dampening);
    }
    if (kind == OptimizerKind.SGD && nesterov && (momentum <= 0 || dampening != 0)) {
      throw new IllegalArgumentException("--nesterov needs --momentum > 0 and --dampening 0");
    }
    if (kind == OptimizerKind.SGD && dampening != 0 && momentumStyle != MomentumStyle.PYTORCH) {
      throw new IllegalArgumentException("--dampening applies only to --momentum-style pytorch");
    }
    requireFinite("--weight-decay", weightDecay);
    if (weightDecay < 0) {
      throw new IllegalArgumentException("--weight-decay must be >= 0, got " + weightDecay);
    }
    if (beta1 < 0 || beta1 >= 1 || Double.isNaN(beta1)) {
      throw new IllegalArgumentException("--beta1 must be in [0, 1), got " + beta1);
    }
    if (beta2 < 0 || beta2 >= 1 || Double.isNaN(beta2)) {
      throw new IllegalArgumentException("--beta2 must be in [0, 1), got " + beta2);
    }
    requireFinite("--eps", eps);
    if (eps < 0) {
      throw new IllegalArgumentException("--eps must be >= 0, got " + eps);
    }
    if (kind == null || momentumStyle == null || schedule == null) {
      throw new IllegalArgumentException("optimizer kind, momentum style and schedule are required");
    }
  }

  /** PyTorch's defaults for {@code kind} at learning rate {@code lr}: no momentum, AdamW's decay 0.01. */
  public static OptimizerConfig defaults(OptimizerKind kind, double lr) {
    double wd = kind == OptimizerKind.ADAMW ? 0.01 : 0.0;
    return new OptimizerConfig(
        kind, lr, 0.0, 0.0, false, MomentumStyle.PYTORCH, wd, 0.9, 0.999, 1e-8, false, LrSchedule.constant());
  }

  /** Plain SGD with momentum {@code momentum} in the PyTorch convention. */
  public static OptimizerConfig sgd(double lr, double momentum) {
    return defaults(OptimizerKind.SGD, lr).withMomentum(momentum);
  }

  /** A copy with another momentum factor. */
  public OptimizerConfig withMomentum(double newMomentum) {
    return new OptimizerConfig(
        kind, lr, newMomentum, dampening, nesterov, momentumStyle, weightDecay, beta1, beta2, eps, amsgrad, schedule);
  }

  /** A copy with another schedule. */
  public OptimizerConfig withSchedule(LrSchedule newSchedule) {
    return new OptimizerConfig(
        kind, lr, momentum, dampening, nesterov, momentumStyle, weightDecay, beta1, beta2, eps, amsgrad, newSchedule);
  }

  /** The hyperparameters that matter for this kind, in a stable order, for summaries and logs. */
  public Map<String, Object> describe() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("name", kind.cliName());
    out.put("lr", lr);
    if (kind == OptimizerKind.SGD) {
      out.put("momentum", momentum);
      out.put("dampening", dampening);
      out.put("nesterov", nesterov);
      out.put("momentum_style", momentumStyle.cliName());
    } else {
      out.put("beta1", beta1);
      out.put("beta2", beta2);
      out.put("eps", eps);
      out.put("amsgrad", amsgrad);
    }
    out.put("weight_decay", weightDecay);
    out.put("lr_schedule", schedule.describe());
    return out;
  }

  private static void requireFinite(String flag, double value) {
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException(flag + " must be a finite number, got " + value);
    }
  }
}
