package io.impetus.optim;

/**
 * An update rule over one slice of the parameter vector.
 *
 * <p>Contract: {@link #step} reads {@code grad} and never writes it, updates {@code params} and
 * {@code state} in place, and allocates nothing. {@code params}, {@code grad} and every buffer of
 * {@code state} have the same length. The caller serializes calls for one slice (a shard applies
 * one update at a time). {@code lr} is the learning rate for this step, already taken from the
 * schedule; the optimizer keeps its own step count in {@code state}.
 */
public interface Optimizer {

  /** Fresh state (zeroed buffers, step count 0) for a slice of {@code length} values. */
  OptimizerState newState(int length);

  /** Applies one update with gradient {@code grad} at learning rate {@code lr}. */
  void step(float[] params, float[] grad, OptimizerState state, double lr);

  /**
   * As {@link #step}, unless the update would make a parameter or a state value NaN or infinite:
   * then it is refused, and {@code params} and {@code state} (buffers and step count) are left
   * bit-identical to before. Still one pass over the slice; {@code undo} holds what the pass
   * overwrote until it is known to be finite (see {@link UpdateUndo} for the cost).
   *
   * @return whether the update was applied
   */
  boolean stepIfFinite(float[] params, float[] grad, OptimizerState state, double lr, UpdateUndo undo);

  /** The hyperparameters, for logs and status replies. */
  OptimizerConfig config();
}
