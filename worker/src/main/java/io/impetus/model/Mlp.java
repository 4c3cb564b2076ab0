package io.impetus.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A multi-layer perceptron classifier: {@code Linear(in, h1) → ReLU → … → Linear(hL, classes)} with
 * softmax cross-entropy (mean over the batch) and hand-written backpropagation. With no hidden
 * layer it is multinomial logistic regression, the {@code softmax} model
 * ({@link #softmaxRegression}).
 *
 * <p>Layout, as torch's {@code state_dict} of a module with layers {@code fc1 … fc(L+1)}:
 * {@code fc1.weight [h1, in]}, {@code fc1.bias [h1]}, {@code fc2.weight [h2, h1]}, … Matrix
 * products go through {@link Gemm}. Activations and gradients live in buffers sized for the
 * largest batch seen; an instance is not thread-safe.
 */
public final class Mlp extends ClassifierBase {
  /** The hidden widths of the {@code mlp} workload. */
  public static final int[] DEFAULT_HIDDEN = {256, 128};

  private final int[] hidden;
  private final Dense[] layers;
  private final int[] offsets;
  private final ParameterLayout layout;
  private final int numParams;
  private final int widest;
  /** activations[l]: outputs of layer l (ReLU applied except for the last, which holds the logits). */
  private float[][] activations;
  private float[] deltaA;
  private float[] deltaB;

  /** An MLP named {@code mlp} from {@code inputDim} inputs through {@code hidden} ReLU layers to {@code classes} logits. */
  public Mlp(int inputDim, int[] hidden, int classes) {
    this("mlp", inputDim, hidden, classes);
  }

  private Mlp(String name, int inputDim, int[] hidden, int classes) {
    super(name, inputDim, classes);
    if (inputDim < 1 || classes < 2) {
      throw new IllegalArgumentException("need at least 1 input and 2 classes, got " + inputDim + " and " + classes);
    }
    for (int width : hidden) {
      if (width < 1) {
        throw new IllegalArgumentException("hidden widths must be at least 1, got " + Arrays.toString(hidden));
      }
    }
    this.hidden = hidden.clone();
    int[] widths = new int[hidden.length + 2];
    widths[0] = inputDim;
    System.arraycopy(hidden, 0, widths, 1, hidden.length);
    widths[widths.length - 1] = classes;
    layers = new Dense[hidden.length + 1];
    offsets = new int[layers.length];
    List<ParameterLayout.TensorSpec> tensors = new ArrayList<>();
    int offset = 0;
    int widest = 0;
    for (int l = 0; l < layers.length; l++) {
      layers[l] = new Dense(widths[l], widths[l + 1]);
      offsets[l] = offset;
      offset = Math.addExact(offset, layers[l].numParams());
      tensors.add(new ParameterLayout.TensorSpec("fc" + (l + 1) + ".weight", widths[l + 1], widths[l]));
      tensors.add(new ParameterLayout.TensorSpec("fc" + (l + 1) + ".bias", widths[l + 1]));
      widest = Math.max(widest, widths[l + 1]);
    }
    this.widest = Math.max(widest, hidden.length > 0 ? Arrays.stream(hidden).max().getAsInt() : 0);
    this.layout = new ParameterLayout(tensors);
    this.numParams = offset;
  }

  /** The {@code softmax} model: one linear layer, {@code fc1.weight [classes, inputDim]} and {@code fc1.bias}. */
  public static Mlp softmaxRegression(int inputDim, int classes) {
    return new Mlp("softmax", inputDim, new int[0], classes);
  }

  /** The hidden widths (a copy). */
  public int[] hidden() {
    return hidden.clone();
  }

  @Override
  public ParameterLayout layout() {
    return layout;
  }

  @Override
  int numParams() {
    return numParams;
  }

  /**
   * torch.nn.Linear's default for each layer, in layout order from one {@code new
   * SplittableRandom(seed)}: weight then bias uniform on ±1/sqrt(fan_in).
   */
  @Override
  public void initialize(float[] params, long seed) {
    ModelArgs.requireLength("params", params, numParams);
    SplittableRandom rng = new SplittableRandom(seed);
    for (int l = 0; l < layers.length; l++) {
      TorchInit.linear(params, offsets[l], layers[l].out, layers[l].in, rng);
    }
  }

  @Override
  void allocate(int rows) {
    activations = new float[layers.length][];
    for (int l = 0; l < layers.length; l++) {
      activations[l] = new float[rows * layers[l].out];
    }
    deltaA = new float[rows * widest];
    deltaB = new float[rows * widest];
  }

  @Override
  float[] forward(float[] params, float[] x, int xOff, int n) {
    float[] input = x;
    int inputOff = xOff;
    for (int l = 0; l < layers.length; l++) {
      float[] out = activations[l];
      layers[l].forward(params, offsets[l], input, inputOff, n, out);
      if (l < layers.length - 1) {
        Relu.forwardInPlace(out, n * layers[l].out);
      }
      input = out;
      inputOff = 0;
    }
    return activations[layers.length - 1];
  }

  @Override
  void backward(float[] params, float[] x, int xOff, int n, float[] dLogits, float[] grad) {
    float[] delta = dLogits;
    for (int l = layers.length - 1; l >= 0; l--) {
      float[] input = l == 0 ? x : activations[l - 1];
      int inputOff = l == 0 ? xOff : 0;
      // Ping-pong between two buffers; the logits' gradient is the first delta.
      float[] dInput = l == 0 ? null : (delta == deltaA ? deltaB : deltaA);
      layers[l].backward(params, offsets[l], input, inputOff, n, delta, grad, offsets[l], dInput);
      if (dInput != null) {
        Relu.backwardInPlace(dInput, activations[l - 1], n * layers[l].in);
      }
      delta = dInput;
    }
  }
}
