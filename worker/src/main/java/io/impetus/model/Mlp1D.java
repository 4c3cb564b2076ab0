package io.impetus.model;

import io.impetus.data.Batch;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A one-hidden-layer perceptron from one input to one output, {@code Linear(1, H) → ReLU →
 * Linear(H, 1)}, with PyTorch's {@code MSELoss} (mean reduction) and hand-written backpropagation.
 * Its default workload fits the curve y = x² (hence the name {@code mlp-x2}).
 *
 * <p>Layout, in torch's {@code named_parameters()} order: {@code fc1.weight [H, 1]},
 * {@code fc1.bias [H]}, {@code fc2.weight [1, H]}, {@code fc2.bias [1]}. All arithmetic is float32.
 * The model streams through the batch one example at a time, so its only scratch is one hidden
 * activation vector of H floats, allocated with the instance: no call allocates, whatever the batch
 * size, and an instance is not thread-safe.
 */
public final class Mlp1D implements Model {
  /** The hidden width of the default workload. */
  public static final int DEFAULT_HIDDEN = 20;

  private final int hidden;
  private final ParameterLayout layout;
  private final int numParams;
  // Offsets of the four tensors in the flat vector.
  private final int w1;
  private final int b1;
  private final int w2;
  private final int b2;
  /** ReLU outputs of the current example; a zero marks a unit whose gradient the ReLU blocks. */
  private final float[] activations;

  /** {@code Mlp1D(20)}. */
  public Mlp1D() {
    this(DEFAULT_HIDDEN);
  }

  /** A network of {@code hidden} ReLU units. */
  public Mlp1D(int hidden) {
    if (hidden < 1) {
      throw new IllegalArgumentException("hidden width must be at least 1, got " + hidden);
    }
    this.hidden = hidden;
    this.layout = new ParameterLayout(List.of(
        new ParameterLayout.TensorSpec("fc1.weight", hidden, 1),
        new ParameterLayout.TensorSpec("fc1.bias", hidden),
        new ParameterLayout.TensorSpec("fc2.weight", 1, hidden),
        new ParameterLayout.TensorSpec("fc2.bias", 1)));
    this.numParams = Math.toIntExact(layout.numParams());
    this.w1 = 0;
    this.b1 = hidden;
    this.w2 = 2 * hidden;
    this.b2 = 3 * hidden;
    this.activations = new float[hidden];
  }

  /** The hidden width H. */
  public int hidden() {
    return hidden;
  }

  @Override
  public String name() {
    return "mlp-x2";
  }

  @Override
  public ParameterLayout layout() {
    return layout;
  }

  /**
   * torch.nn.Linear's default for each layer, in layout order from one {@code new
   * SplittableRandom(seed)}: fc1 uniform with bound 1/sqrt(1) = 1, fc2 with bound 1/sqrt(H).
   */
  @Override
  public void initialize(float[] params, long seed) {
    ModelArgs.requireLength("params", params, numParams);
    SplittableRandom rng = new SplittableRandom(seed);
    TorchInit.linearUniform(params, w1, hidden, 1, rng);
    TorchInit.linearUniform(params, b1, hidden, 1, rng);
    TorchInit.linearUniform(params, w2, hidden, hidden, rng);
    TorchInit.linearUniform(params, b2, 1, hidden, rng);
  }

  @Override
  public double lossAndGradient(float[] params, Batch batch, float[] grad) {
    ModelArgs.requireLength("params", params, numParams);
    ModelArgs.requireLength("grad", grad, numParams);
    ModelArgs.requireBatch(batch, 1, 1);
    int n = batch.size();
    float[] x = batch.inputs();
    float[] y = batch.targets();
    float scale = Mse.gradientScale(n);
    Arrays.fill(grad, 0f);
    double sumOfSquares = 0;
    float outputBiasGrad = 0f;
    for (int i = 0; i < n; i++) {
      float residual = forward(params, x[i]) - y[i];
      sumOfSquares += residual * residual;
      float dOutput = scale * residual;
      outputBiasGrad += dOutput;
      for (int j = 0; j < hidden; j++) {
        float a = activations[j];
        grad[w2 + j] += dOutput * a;
        // ReLU passes gradient only where its input was positive, i.e. where its output is.
        if (a > 0f) {
          float dPreActivation = dOutput * params[w2 + j];
          grad[w1 + j] += dPreActivation * x[i];
          grad[b1 + j] += dPreActivation;
        }
      }
    }
    grad[b2] = outputBiasGrad;
    return Mse.mean(sumOfSquares, n);
  }

  @Override
  public double loss(float[] params, Batch batch) {
    ModelArgs.requireLength("params", params, numParams);
    ModelArgs.requireBatch(batch, 1, 1);
    int n = batch.size();
    float[] x = batch.inputs();
    float[] y = batch.targets();
    double sumOfSquares = 0;
    for (int i = 0; i < n; i++) {
      float residual = forward(params, x[i]) - y[i];
      sumOfSquares += residual * residual;
    }
    return Mse.mean(sumOfSquares, n);
  }

  /** The network's output for input {@code x}, leaving the hidden ReLU outputs in {@link #activations}. */
  private float forward(float[] params, float x) {
    float dot = 0f;
    for (int j = 0; j < hidden; j++) {
      float a = Math.max(params[w1 + j] * x + params[b1 + j], 0f);
      activations[j] = a;
      dot += params[w2 + j] * a;
    }
    return dot + params[b2];
  }
}
