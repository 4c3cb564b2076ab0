package io.impetus.model;

/**
 * A 2-D convolution as torch.nn.Conv2d with stride 1 and padding k/2 ("same" size for odd k), on
 * one image at a time: x is inC×h×w, the output outC×h×w, the weight outC×inC×k×k (torch's layout)
 * followed by outC biases.
 *
 * <p>Computed as im2col + GEMM: the k·k·inC input values under every output position are copied
 * into one column of a (inC·k·k)×(h·w) matrix, and the output is weight (outC×inC·k·k) times that
 * matrix. The backward pass reuses the matrix the forward pass built (the caller keeps one per
 * image of the batch: rebuilding it cost a quarter of the CNN's step) for the weight gradient, and
 * the transposed product plus col2im (scatter-add back to the image) for the input gradient.
 * Stateless: the caller passes the buffers.
 */
final class Conv2d {
  final int inC;
  final int outC;
  final int h;
  final int w;
  final int k;
  private final int pad;
  private final int colRows;
  private final int plane;

  Conv2d(int inC, int outC, int h, int w, int k) {
    if (k % 2 == 0) {
      throw new IllegalArgumentException("kernel size must be odd for same-size padding, got " + k);
    }
    this.inC = inC;
    this.outC = outC;
    this.h = h;
    this.w = w;
    this.k = k;
    this.pad = k / 2;
    this.colRows = inC * k * k;
    this.plane = h * w;
  }

  /** Weight values then biases. */
  int numParams() {
    return outC * colRows + outC;
  }

  /** Values of one image in, and of one image out per channel count. */
  int inputSize() {
    return inC * plane;
  }

  int outputSize() {
    return outC * plane;
  }

  /** The im2col buffer one image needs. */
  int colSize() {
    return colRows * plane;
  }

  /**
   * y[yOff, +outputSize) = conv(x[xOff, +inputSize)) with weight at {@code wOff} of {@code params},
   * leaving the image's im2col matrix in col[colOff, +colSize) for {@link #backward}.
   */
  void forward(float[] params, int wOff, float[] x, int xOff, float[] y, int yOff, float[] col, int colOff) {
    im2col(x, xOff, col, colOff);
    int b = wOff + outC * colRows;
    for (int o = 0; o < outC; o++) {
      float bias = params[b + o];
      int row = yOff + o * plane;
      for (int p = 0; p < plane; p++) {
        y[row + p] = bias;
      }
    }
    Gemm.sgemm(false, false, outC, plane, colRows, 1f, params, wOff, colRows, col, colOff, plane, 1f, y, yOff, plane);
  }

  /**
   * Backward pass of one image, given the im2col matrix its forward pass left at {@code colOff}:
   * adds this image's weight and bias gradients to {@code grad} at {@code gOff} (overwrites them
   * instead when {@code first}), and writes dx (inputSize values at {@code dxOff}) if {@code dx} is
   * not null, using {@code dcol} ({@link #colSize()} floats) as scratch.
   */
  void backward(float[] params, int wOff, float[] col, int colOff, float[] dy, int dyOff, float[] grad, int gOff,
      boolean first, float[] dx, int dxOff, float[] dcol) {
    // dW (outC×colRows) += dy (outC×plane) · colᵀ (plane×colRows).
    Gemm.sgemm(false, true, outC, colRows, plane, 1f, dy, dyOff, plane, col, colOff, plane, first ? 0f : 1f,
        grad, gOff, colRows);
    int gb = gOff + outC * colRows;
    for (int o = 0; o < outC; o++) {
      float sum = 0f;
      int row = dyOff + o * plane;
      for (int p = 0; p < plane; p++) {
        sum += dy[row + p];
      }
      grad[gb + o] = first ? sum : grad[gb + o] + sum;
    }
    if (dx != null) {
      // dcol (colRows×plane) = Wᵀ · dy, then scatter-add every column back to the pixels it came from.
      Gemm.sgemm(true, false, colRows, plane, outC, 1f, params, wOff, colRows, dy, dyOff, plane, 0f, dcol, 0, plane);
      col2im(dcol, dx, dxOff);
    }
  }

  /** col[(c·k + i)·k + j, oy·w + ox] = x[c, oy + i − pad, ox + j − pad], zero outside the image. */
  void im2col(float[] x, int xOff, float[] col, int colOff) {
    for (int c = 0; c < inC; c++) {
      for (int i = 0; i < k; i++) {
        for (int j = 0; j < k; j++) {
          int row = colOff + ((c * k + i) * k + j) * plane;
          // Output columns ox whose input column ox + j − pad falls inside [0, w).
          int oxFrom = Math.max(0, pad - j);
          int oxTo = Math.min(w, w + pad - j);
          for (int oy = 0; oy < h; oy++) {
            int iy = oy + i - pad;
            int dst = row + oy * w;
            if (iy < 0 || iy >= h || oxFrom >= oxTo) {
              java.util.Arrays.fill(col, dst, dst + w, 0f);
              continue;
            }
            for (int ox = 0; ox < oxFrom; ox++) {
              col[dst + ox] = 0f;
            }
            System.arraycopy(x, xOff + (c * h + iy) * w + oxFrom + j - pad, col, dst + oxFrom, oxTo - oxFrom);
            for (int ox = oxTo; ox < w; ox++) {
              col[dst + ox] = 0f;
            }
          }
        }
      }
    }
  }

  /** dx = 0, then dx[c, oy + i − pad, ox + j − pad] += col[(c·k + i)·k + j, oy·w + ox] inside the image. */
  void col2im(float[] col, float[] dx, int dxOff) {
    java.util.Arrays.fill(dx, dxOff, dxOff + inputSize(), 0f);
    for (int c = 0; c < inC; c++) {
      for (int i = 0; i < k; i++) {
        for (int j = 0; j < k; j++) {
          int row = ((c * k + i) * k + j) * plane;
          int oxFrom = Math.max(0, pad - j);
          int oxTo = Math.min(w, w + pad - j);
          for (int oy = 0; oy < h; oy++) {
            int iy = oy + i - pad;
            if (iy < 0 || iy >= h) {
              continue;
            }
            int src = row + oy * w;
            int dst = dxOff + (c * h + iy) * w + j - pad;
            for (int ox = oxFrom; ox < oxTo; ox++) {
              dx[dst + ox] += col[src + ox];
            }
          }
        }
      }
    }
  }
}
