package io.impetus.optim;

/** Argument checks shared by the optimizers' {@code step} methods; O(1), allocation-free unless they throw. */
final class StepChecks {

  private StepChecks() {}

  /** Returns {@code state} as a {@code type}, or throws naming the optimizer that rejected it. */
  static <S extends OptimizerState> S stateOf(Class<S> type, OptimizerState state, String optimizer) {
    if (!type.isInstance(state)) {
      throw new IllegalArgumentException(
          optimizer + " needs a " + type.getSimpleName() + ", got "
              + (state == null ? "null" : state.getClass().getSimpleName()));
    }
    return type.cast(state);
  }

  /** Throws unless {@code params} and {@code grad} exist and have the same length. */
  static void sameLength(float[] params, float[] grad) {
    if (params == null || grad == null) {
      throw new IllegalArgumentException("params and grad are required");
    }
    if (params.length != grad.length) {
      throw new IllegalArgumentException(
          "params has " + params.length + " values but grad has " + grad.length);
    }
  }

  /** Throws unless {@code buffer} is as long as the slice. */
  static void bufferLength(String name, float[] buffer, int length) {
    if (buffer.length != length) {
      throw new IllegalArgumentException(
          "state buffer '" + name + "' has " + buffer.length + " values but the slice has " + length);
    }
  }

  /** Throws unless {@code lr} is a usable learning rate. */
  static void learningRate(double lr) {
    if (!(lr >= 0) || Double.isInfinite(lr)) {
      throw new IllegalArgumentException("learning rate must be finite and >= 0, got " + lr);
    }
  }
}
