package io.impetus.model;

import io.impetus.data.Batch;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Linear regression {@code y = w·x + b} on {@code d} inputs with PyTorch's {@code MSELoss} (mean over
 * the batch of {@code (prediction − y)²}), as {@code torch.nn.Linear(d, 1)}.
 *
 * <p>Layout: {@code weight [1, d]}, {@code bias [1]}. All arithmetic is float32; the model streams
 * through the batch one example at a time, so it needs no scratch memory at all and allocates nothing.
 */
public final class LinearRegression implements Model {
  /** The input dimension of the default workload. */
  public static final int DEFAULT_INPUT_DIM = 10;

  private final int inputDim;
  private final ParameterLayout layout;
  private final int numParams;

  /** {@code LinearRegression(10)}. */
  public LinearRegression() {
    this(DEFAULT_INPUT_DIM);
  }

  /** A model of {@code inputDim} inputs. */
  public LinearRegression(int inputDim) {
    if (inputDim < 1) {
      throw new IllegalArgumentException("input dimension must be at least 1, got " + inputDim);
    }
    this.inputDim = inputDim;
    this.layout = new ParameterLayout(List.of(
        new ParameterLayout.TensorSpec("weight", 1, inputDim),
        new ParameterLayout.TensorSpec("bias", 1)));
    this.numParams = Math.toIntExact(layout.numParams());
  }

  /** The number of inputs d. */
  public int inputDim() {
    return inputDim;
  }

  @Override
  public String name() {
    return "linear";
  }

  @Override
  public ParameterLayout layout() {
    return layout;
  }

  /** Weight then bias, each U(-1/sqrt(d), 1/sqrt(d)) from {@code new SplittableRandom(seed)}. */
  @Override
  public void initialize(float[] params, long seed) {
    ModelArgs.requireLength("params", params, numParams);
    SplittableRandom rng = new SplittableRandom(seed);
    TorchInit.linearUniform(params, 0, inputDim, inputDim, rng);
    TorchInit.linearUniform(params, inputDim, 1, inputDim, rng);
  }

  @Override
  public double lossAndGradient(float[] params, Batch batch, float[] grad) {
    ModelArgs.requireLength("params", params, numParams);
    ModelArgs.requireLength("grad", grad, numParams);
    ModelArgs.requireBatch(batch, inputDim, 1);
    int n = batch.size();
    float[] x = batch.inputs();
    float[] y = batch.targets();
    float scale = Mse.gradientScale(n);
    Arrays.fill(grad, 0f);
    double sumOfSquares = 0;
    float biasGrad = 0f;
    for (int i = 0; i < n; i++) {
      int row = i * inputDim;
      float residual = predict(params, x, row) - y[i];
      sumOfSquares += residual * residual;
      float dPrediction = scale * residual;
      biasGrad += dPrediction;
      for (int j = 0; j < inputDim; j++) {
        grad[j] += dPrediction * x[row + j];
      }
    }
    grad[inputDim] = biasGrad;
    return Mse.mean(sumOfSquares, n);
  }

  @Override
  public double loss(float[] params, Batch batch) {
    ModelArgs.requireLength("params", params, numParams);
    ModelArgs.requireBatch(batch, inputDim, 1);
    int n = batch.size();
    float[] x = batch.inputs();
    float[] y = batch.targets();
    double sumOfSquares = 0;
    for (int i = 0; i < n; i++) {
      float residual = predict(params, x, i * inputDim) - y[i];
      sumOfSquares += residual * residual;
    }
    return Mse.mean(sumOfSquares, n);
  }

  /** w·x + b for the example whose inputs start at {@code row}; the bias is added last, as addmm does. */
  private float predict(float[] params, float[] x, int row) {
    float dot = 0f;
    for (int j = 0; j < inputDim; j++) {
      dot += params[j] * x[row + j];
    }
    return dot + params[inputDim];
  }
}
