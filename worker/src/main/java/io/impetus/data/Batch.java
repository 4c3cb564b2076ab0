package io.impetus.data;

/**
 * A reusable minibatch buffer: {@code size} examples, row-major, inputs of {@link #inputDim()}
 * floats and targets of {@link #targetDim()} floats each. A {@link Batcher} refills it in place
 * every step, so holding on to its arrays past the next fill sees new data.
 */
public final class Batch {
  private final int inputDim;
  private final int targetDim;
  private final float[] inputs;
  private final float[] targets;
  private int size;

  /** An empty batch with room for {@code capacity} examples. */
  public Batch(int capacity, int inputDim, int targetDim) {
    this.inputDim = inputDim;
    this.targetDim = targetDim;
    this.inputs = new float[capacity * inputDim];
    this.targets = new float[capacity * targetDim];
  }

  public int size() {
    return size;
  }

  public int capacity() {
    return inputDim > 0 ? inputs.length / inputDim : targetDim > 0 ? targets.length / targetDim : Integer.MAX_VALUE;
  }

  public int inputDim() {
    return inputDim;
  }

  public int targetDim() {
    return targetDim;
  }

  /** Inputs of example i at [i*inputDim, (i+1)*inputDim); only the first {@code size} rows are valid. */
  public float[] inputs() {
    return inputs;
  }

  /** Targets of example i at [i*targetDim, (i+1)*targetDim). */
  public float[] targets() {
    return targets;
  }

  /** Sets the number of valid examples. */
  public void setSize(int size) {
    if (size < 0 || size > capacity()) {
      throw new IllegalArgumentException("batch size " + size + " outside [0, " + capacity() + "]");
    }
    this.size = size;
  }
}
