package io.impetus.model;

import java.util.List;
import java.util.SplittableRandom;

/**
 * A small convolutional classifier of single-channel images, the {@code cnn} model:
 * <pre>
 * conv1: Conv2d(1, c1, k, padding k/2) → ReLU → MaxPool2d(2)
 * conv2: Conv2d(c1, c2, k, padding k/2) → ReLU → MaxPool2d(2)
 * flatten (channel, row, column, as torch) → fc1: Linear(c2·(h/4)·(w/4), f) → ReLU → fc2: Linear(f, classes)
 * </pre>
 * with softmax cross-entropy (mean over the batch). The default, for 28×28 images, is c1 = 32,
 * c2 = 64, k = 5, f = 128: 3136 → 128 → 10, 454,922 parameters.
 *
 * <p>Layout as torch's {@code state_dict}: {@code conv1.weight [c1, 1, k, k]}, {@code conv1.bias},
 * {@code conv2.weight [c2, c1, k, k]}, {@code conv2.bias}, {@code fc1.weight [f, c2·h/4·w/4]},
 * {@code fc1.bias}, {@code fc2.weight [classes, f]}, {@code fc2.bias}. Convolutions are im2col +
 * GEMM per image, the linear layers GEMM per batch (see {@link Gemm}); buffers are sized for the
 * largest batch seen (about 1.1 MB per example for the default network, most of it the im2col
 * matrices kept for the backward pass: 72 MB at batch 64). Not thread-safe.
 */
public final class Cnn extends ClassifierBase {
  private final Conv2d conv1;
  private final Conv2d conv2;
  private final MaxPool2 pool1;
  private final MaxPool2 pool2;
  private final Dense fc1;
  private final Dense fc2;
  private final int conv1Off;
  private final int conv2Off;
  private final int fc1Off;
  private final int fc2Off;
  private final int numParams;
  private final ParameterLayout layout;

  // Per-batch activations (forward) and their gradients (backward), sized by allocate().
  private float[] a1;
  private int[] arg1;
  private float[] p1;
  private float[] a2;
  private int[] arg2;
  private float[] p2;
  private float[] h1;
  private float[] logits;
  private float[] dH1;
  private float[] dP2;
  private float[] dA2;
  private float[] dP1;
  private float[] dA1;
  /** The im2col matrices of every image of the batch, kept from the forward pass for the backward pass. */
  private float[] cols1;
  private float[] cols2;
  private final float[] dcol;

  /** The {@code cnn} model for 28×28 images and 10 classes. */
  public Cnn() {
    this(28, 28, 32, 64, 5, 128, 10);
  }

  /**
   * A network for {@code height × width} single-channel images (each divisible by 4 so both pools
   * are exact), with {@code c1} and {@code c2} convolution channels of odd size {@code kernel},
   * {@code fcHidden} units in fc1 and {@code classes} outputs.
   */
  public Cnn(int height, int width, int c1, int c2, int kernel, int fcHidden, int classes) {
    super("cnn", height * width, classes);
    if (height % 4 != 0 || width % 4 != 0 || height < 4 || width < 4) {
      throw new IllegalArgumentException("image sides must be positive multiples of 4, got " + height + "x" + width);
    }
    conv1 = new Conv2d(1, c1, height, width, kernel);
    pool1 = new MaxPool2(height, width);
    conv2 = new Conv2d(c1, c2, height / 2, width / 2, kernel);
    pool2 = new MaxPool2(height / 2, width / 2);
    fc1 = new Dense(c2 * pool2.outputPlane(), fcHidden);
    fc2 = new Dense(fcHidden, classes);
    conv1Off = 0;
    conv2Off = conv1Off + conv1.numParams();
    fc1Off = conv2Off + conv2.numParams();
    fc2Off = fc1Off + fc1.numParams();
    numParams = fc2Off + fc2.numParams();
    layout = new ParameterLayout(List.of(
        new ParameterLayout.TensorSpec("conv1.weight", c1, 1, kernel, kernel),
        new ParameterLayout.TensorSpec("conv1.bias", c1),
        new ParameterLayout.TensorSpec("conv2.weight", c2, c1, kernel, kernel),
        new ParameterLayout.TensorSpec("conv2.bias", c2),
        new ParameterLayout.TensorSpec("fc1.weight", fcHidden, fc1.in),
        new ParameterLayout.TensorSpec("fc1.bias", fcHidden),
        new ParameterLayout.TensorSpec("fc2.weight", classes, fcHidden),
        new ParameterLayout.TensorSpec("fc2.bias", classes)));
    // One image's column gradient at a time, so this does not grow with the batch.
    dcol = new float[conv2.colSize()];
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
   * torch's defaults in layout order from one {@code new SplittableRandom(seed)}: every weight and
   * bias uniform on ±1/sqrt(fan_in), fan_in = in_channels·k·k for a convolution.
   */
  @Override
  public void initialize(float[] params, long seed) {
    ModelArgs.requireLength("params", params, numParams);
    SplittableRandom rng = new SplittableRandom(seed);
    TorchInit.linear(params, conv1Off, conv1.outC, conv1.inC * conv1.k * conv1.k, rng);
    TorchInit.linear(params, conv2Off, conv2.outC, conv2.inC * conv2.k * conv2.k, rng);
    TorchInit.linear(params, fc1Off, fc1.out, fc1.in, rng);
    TorchInit.linear(params, fc2Off, fc2.out, fc2.in, rng);
  }

  @Override
  void allocate(int rows) {
    a1 = new float[rows * conv1.outputSize()];
    dA1 = new float[a1.length];
    p1 = new float[rows * conv1.outC * pool1.outputPlane()];
    arg1 = new int[p1.length];
    dP1 = new float[p1.length];
    a2 = new float[rows * conv2.outputSize()];
    dA2 = new float[a2.length];
    p2 = new float[rows * fc1.in];
    arg2 = new int[p2.length];
    dP2 = new float[p2.length];
    h1 = new float[rows * fc1.out];
    dH1 = new float[h1.length];
    logits = new float[rows * fc2.out];
    cols1 = new float[rows * conv1.colSize()];
    cols2 = new float[rows * conv2.colSize()];
  }

  @Override
  float[] forward(float[] params, float[] x, int xOff, int n) {
    for (int s = 0; s < n; s++) {
      conv1.forward(params, conv1Off, x, xOff + s * inputDim, a1, s * conv1.outputSize(), cols1, s * conv1.colSize());
    }
    Relu.forwardInPlace(a1, n * conv1.outputSize());
    pool1.forward(a1, n * conv1.outC, p1, arg1);
    for (int s = 0; s < n; s++) {
      conv2.forward(params, conv2Off, p1, s * conv2.inputSize(), a2, s * conv2.outputSize(), cols2, s * conv2.colSize());
    }
    Relu.forwardInPlace(a2, n * conv2.outputSize());
    pool2.forward(a2, n * conv2.outC, p2, arg2);
    fc1.forward(params, fc1Off, p2, 0, n, h1);
    Relu.forwardInPlace(h1, n * fc1.out);
    fc2.forward(params, fc2Off, h1, 0, n, logits);
    return logits;
  }

  @Override
  void backward(float[] params, float[] x, int xOff, int n, float[] dLogits, float[] grad) {
    fc2.backward(params, fc2Off, h1, 0, n, dLogits, grad, fc2Off, dH1);
    Relu.backwardInPlace(dH1, h1, n * fc1.out);
    fc1.backward(params, fc1Off, p2, 0, n, dH1, grad, fc1Off, dP2);
    pool2.backwardThroughRelu(dP2, arg2, a2, n * conv2.outC, dA2);
    for (int s = 0; s < n; s++) {
      conv2.backward(params, conv2Off, cols2, s * conv2.colSize(), dA2, s * conv2.outputSize(), grad, conv2Off,
          s == 0, dP1, s * conv2.inputSize(), dcol);
    }
    pool1.backwardThroughRelu(dP1, arg1, a1, n * conv1.outC, dA1);
    for (int s = 0; s < n; s++) {
      // The input image needs no gradient.
      conv1.backward(params, conv1Off, cols1, s * conv1.colSize(), dA1, s * conv1.outputSize(), grad, conv1Off,
          s == 0, null, 0, dcol);
    }
  }
}
