package io.impetus.model;

/**
 * A fully connected layer, y = x·Wᵀ + b as torch.nn.Linear, over row-major batches: x is n×in,
 * W is out×in (torch's {@code weight} layout), b has out values, y is n×out. Stateless: the caller
 * owns parameters, activations and gradients, so nothing is allocated.
 */
final class Dense {
  final int in;
  final int out;

  Dense(int in, int out) {
    this.in = in;
    this.out = out;
  }

  /** Number of parameters: weight then bias. */
  int numParams() {
    return out * in + out;
  }

  /** y[0, n·out) = x[xOff, …)·Wᵀ + b, with W at {@code w} and b at {@code w + out·in} in {@code params}. */
  void forward(float[] params, int w, float[] x, int xOff, int n, float[] y) {
    int b = w + out * in;
    for (int i = 0; i < n; i++) {
      System.arraycopy(params, b, y, i * out, out);
    }
    Gemm.sgemm(false, true, n, out, in, 1f, x, xOff, in, params, w, in, 1f, y, 0, out);
  }

  /**
   * Given dy (n×out), writes the weight and bias gradients at {@code gw} in {@code grad}
   * (overwriting them) and, if {@code dx} is not null, dx = dy·W (n×in) into it.
   */
  void backward(float[] params, int w, float[] x, int xOff, int n, float[] dy, float[] grad, int gw, float[] dx) {
    // dW = dyᵀ·x: (out×n)·(n×in).
    Gemm.sgemm(true, false, out, in, n, 1f, dy, 0, out, x, xOff, in, 0f, grad, gw, in);
    int gb = gw + out * in;
    for (int o = 0; o < out; o++) {
      grad[gb + o] = 0f;
    }
    for (int i = 0; i < n; i++) {
      int row = i * out;
      for (int o = 0; o < out; o++) {
        grad[gb + o] += dy[row + o];
      }
    }
    if (dx != null) {
      Gemm.sgemm(false, false, n, in, out, 1f, dy, 0, out, params, w, in, 0f, dx, 0, in);
    }
  }
}
