package io.impetus.optim;

/** Short constructors for test configurations; every other field keeps PyTorch's default. */
final class Configs {

  private Configs() {}

  static OptimizerConfig sgd(MomentumStyle style, double lr, double momentum, double dampening, boolean nesterov,
      double weightDecay) {
    return new OptimizerConfig(OptimizerKind.SGD, lr, momentum, dampening, nesterov, style, weightDecay,
        0.9, 0.999, 1e-8, false, LrSchedule.constant());
  }

  static OptimizerConfig sgd(MomentumStyle style, double lr, double momentum, boolean nesterov) {
    return sgd(style, lr, momentum, 0.0, nesterov, 0.0);
  }

  static OptimizerConfig adam(OptimizerKind kind, double lr, double weightDecay, boolean amsgrad) {
    return new OptimizerConfig(kind, lr, 0.0, 0.0, false, MomentumStyle.PYTORCH, weightDecay,
        0.9, 0.999, 1e-8, amsgrad, LrSchedule.constant());
  }
}
