package io.impetus.optim;

/** Builds the {@link Optimizer} a configuration describes. */
public final class Optimizers {

  private Optimizers() {}

  /** {@link Sgd} for {@code sgd}, {@link Adam} for {@code adam} and {@code adamw}. */
  public static Optimizer create(OptimizerConfig config) {
    switch (config.kind()) {
      case SGD:
        return new Sgd(config);
      case ADAM:
      case ADAMW:
        return new Adam(config);
      default:
        throw new AssertionError(config.kind());
    }
  }
}
