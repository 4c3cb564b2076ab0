package io.impetus.train;

/**
 * How many steps a worker takes: {@code --steps} if given; else {@code --epochs} (default 12) times
 * the steps per epoch that every worker agrees on; a model without data (the quadratic) counts one
 * step per epoch and defaults to {@link #DATA_FREE_DEFAULT_STEPS}.
 */
public final class TrainingPlan {
  /** Default epochs for models with data. */
  public static final int DEFAULT_EPOCHS = 12;
  /** Default steps for models without data. */
  public static final long DATA_FREE_DEFAULT_STEPS = 500;

  private TrainingPlan() {}

  /**
   * Total steps per worker.
   *
   * @param stepsPerEpoch the agreed steps per epoch, or 0 for a model without data
   */
  public static long totalSteps(Integer epochs, Long steps, int stepsPerEpoch) {
    if (steps != null) {
      return steps;
    }
    if (stepsPerEpoch == 0) {
      return epochs != null ? epochs : DATA_FREE_DEFAULT_STEPS;
    }
    return (long) (epochs != null ? epochs : DEFAULT_EPOCHS) * stepsPerEpoch;
  }
}
