package io.impetus.model;

import io.impetus.data.Batch;

/** Argument checks shared by the models, with messages that say which array or dimension is wrong. */
final class ModelArgs {
  private ModelArgs() {}

  /**
   * {@code values} (named {@code what}: params or grad) must have exactly {@code numParams} values.
   * Models pass a cached count: {@link ParameterLayout#numParams()} walks the tensor list with an
   * iterator, an allocation the hot path cannot afford.
   */
  static void requireLength(String what, float[] values, int numParams) {
    if (values.length != numParams) {
      throw new IllegalArgumentException(
          what + " has " + values.length + " values, the model has " + numParams);
    }
  }

  /** {@code batch} must be non-empty (a mean over nothing is undefined) with the given row widths. */
  static void requireBatch(Batch batch, int inputDim, int targetDim) {
    if (batch.inputDim() != inputDim || batch.targetDim() != targetDim) {
      throw new IllegalArgumentException(
          "batch rows are " + batch.inputDim() + " -> " + batch.targetDim() + ", the model expects "
              + inputDim + " -> " + targetDim);
    }
    if (batch.size() == 0) {
      throw new IllegalArgumentException("the mean loss over an empty batch is undefined");
    }
  }
}
