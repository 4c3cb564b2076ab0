package io.impetus.model;

import io.impetus.data.Batch;

/**
 * A differentiable model over a flat float32 parameter vector laid out by {@link #layout()}.
 *
 * <p>Contract: {@link #lossAndGradient} returns the mean loss over the batch and overwrites every
 * entry of {@code grad} with the gradient of that mean loss; neither method writes {@code params}.
 * Implementations keep scratch buffers sized for the largest batch they have seen, so an instance
 * is not thread-safe and allocates nothing once warmed up: give each thread its own.
 */
public interface Model {

  /** The name the command line uses, e.g. {@code mlp-x2}. */
  String name();

  /** The named tensors, in the order they are flattened. */
  ParameterLayout layout();

  /** Writes seeded initial values (PyTorch's default initialization for each layer) into {@code params}. */
  void initialize(float[] params, long seed);

  /** Mean loss over {@code batch}, with its gradient written into {@code grad}. */
  double lossAndGradient(float[] params, Batch batch, float[] grad);

  /** Mean loss over {@code batch}. */
  double loss(float[] params, Batch batch);
}
