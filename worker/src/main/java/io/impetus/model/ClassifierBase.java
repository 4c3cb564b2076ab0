package io.impetus.model;

import io.impetus.data.Batch;
import io.impetus.data.Dataset;

/**
 * What the image classifiers share: argument checks, the softmax cross-entropy mean over the
 * batch, and chunked evaluation. A subclass supplies the network: {@link #forward} into logits and
 * {@link #backward} from their gradient, both over {@code n} rows of inputs read in place from an
 * array at an offset (a batch's, or a data set's during evaluation, so nothing is copied).
 *
 * <p>Scratch buffers grow to the largest row count seen ({@link #ensureCapacity}) and are then
 * reused, so steady-state steps allocate nothing.
 */
abstract class ClassifierBase implements Classifier {
  /** Evaluation works through the data in chunks of at least this many rows. */
  static final int EVAL_CHUNK = 64;

  private final String name;
  final int inputDim;
  final int classes;
  private int capacity;

  ClassifierBase(String name, int inputDim, int classes) {
    this.name = name;
    this.inputDim = inputDim;
    this.classes = classes;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int numClasses() {
    return classes;
  }

  /** P as an int, cached by the subclass (the layout's own count iterates, which allocates). */
  abstract int numParams();

  /** Allocates scratch for {@code rows} rows (called only when it grows). */
  abstract void allocate(int rows);

  /** Runs the network on rows [0, n) of {@code x} from {@code xOff}; returns the n×classes logits buffer. */
  abstract float[] forward(float[] params, float[] x, int xOff, int n);

  /** Given the logits' gradient (in the buffer forward returned), overwrites {@code grad} with the parameters' gradient. */
  abstract void backward(float[] params, float[] x, int xOff, int n, float[] dLogits, float[] grad);

  final void ensureCapacity(int rows) {
    if (rows > capacity) {
      allocate(rows);
      capacity = rows;
    }
  }

  @Override
  public double lossAndGradient(float[] params, Batch batch, float[] grad) {
    ModelArgs.requireLength("params", params, numParams());
    ModelArgs.requireLength("grad", grad, numParams());
    ModelArgs.requireBatch(batch, inputDim, 1);
    int n = batch.size();
    ensureCapacity(n);
    float[] logits = forward(params, batch.inputs(), 0, n);
    double sum = SoftmaxCrossEntropy.lossSumAndGradientInPlace(logits, n, classes, batch.targets(), 0, 1f / n);
    backward(params, batch.inputs(), 0, n, logits, grad);
    return sum / n;
  }

  @Override
  public double loss(float[] params, Batch batch) {
    ModelArgs.requireLength("params", params, numParams());
    ModelArgs.requireBatch(batch, inputDim, 1);
    int n = batch.size();
    ensureCapacity(n);
    float[] logits = forward(params, batch.inputs(), 0, n);
    return SoftmaxCrossEntropy.lossSum(logits, n, classes, batch.targets(), 0) / n;
  }

  @Override
  public Evaluation evaluate(float[] params, Dataset data) {
    ModelArgs.requireLength("params", params, numParams());
    if (data.inputDim() != inputDim || data.targetDim() != 1) {
      throw new IllegalArgumentException("data set " + data.name() + " rows are " + data.inputDim() + " -> "
          + data.targetDim() + ", the model expects " + inputDim + " -> 1");
    }
    if (data.size() == 0) {
      throw new IllegalArgumentException("cannot evaluate on the empty data set " + data.name());
    }
    // Chunks as large as the buffers already are (a training batch), but not tiny ones.
    int chunk = Math.max(capacity, EVAL_CHUNK);
    ensureCapacity(Math.min(chunk, data.size()));
    double sum = 0;
    long correct = 0;
    for (int from = 0; from < data.size(); from += chunk) {
      int n = Math.min(chunk, data.size() - from);
      float[] logits = forward(params, data.inputs(), from * inputDim, n);
      correct += SoftmaxCrossEntropy.correct(logits, n, classes, data.targets(), from);
      sum += SoftmaxCrossEntropy.lossSum(logits, n, classes, data.targets(), from);
    }
    return new Evaluation(data.size(), sum / data.size(), (double) correct / data.size());
  }
}
