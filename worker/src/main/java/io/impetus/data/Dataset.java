package io.impetus.data;

/**
 * An in-memory data set of {@code size} examples, row-major: inputs of {@code inputDim} floats and
 * targets of {@code targetDim} floats per example.
 */
public record Dataset(String name, int size, int inputDim, int targetDim, float[] inputs, float[] targets) {

  /** Checks that the arrays hold exactly {@code size} rows. */
  public Dataset {
    if ((long) size * inputDim != inputs.length || (long) size * targetDim != targets.length) {
      throw new IllegalArgumentException("data set " + name + " arrays do not match " + size + " examples");
    }
  }

  /** Copies examples {@code indices[from, from+count)} into {@code batch} and sets its size. */
  public void fill(Batch batch, int[] indices, int from, int count) {
    for (int i = 0; i < count; i++) {
      int row = indices[from + i];
      System.arraycopy(inputs, row * inputDim, batch.inputs(), i * inputDim, inputDim);
      System.arraycopy(targets, row * targetDim, batch.targets(), i * targetDim, targetDim);
    }
    batch.setSize(count);
  }

  /** Copies every example into a new batch (for full-data loss). */
  public Batch asBatch() {
    Batch batch = new Batch(size, inputDim, targetDim);
    System.arraycopy(inputs, 0, batch.inputs(), 0, inputs.length);
    System.arraycopy(targets, 0, batch.targets(), 0, targets.length);
    batch.setSize(size);
    return batch;
  }
}
