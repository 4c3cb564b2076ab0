package io.impetus.model;

/** The rectifier max(x, 0), in place, and its backward pass from the rectified values. */
final class Relu {
  private Relu() {}

  /** v[i] = max(v[i], 0) for i in [0, count). */
  static void forwardInPlace(float[] v, int count) {
    for (int i = 0; i < count; i++) {
      v[i] = Math.max(v[i], 0f);
    }
  }

  /**
   * Zeroes the gradient where the unit was off: the output is positive exactly where the input was,
   * so the rectified values are enough to know where the gradient passes (0 at 0, as torch does).
   */
  static void backwardInPlace(float[] grad, float[] output, int count) {
    // A select, not a branch: whether a unit is on is a coin flip, and mispredicted branches made
    // this loop cost as much as a layer's matrix product.
    for (int i = 0; i < count; i++) {
      grad[i] = output[i] > 0f ? grad[i] : 0f;
    }
  }
}
