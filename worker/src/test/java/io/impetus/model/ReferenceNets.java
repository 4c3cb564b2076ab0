package io.impetus.model;

/**
 * The image classifiers written the plainest way, in double, straight from their definitions
 * (nested loops, no im2col, no BLAS), over the same flat parameter layout. They are the reference
 * that finite differences are taken of, so they share no code with the models under test.
 */
final class ReferenceNets {
  private ReferenceNets() {}

  /** Mean softmax cross-entropy of an MLP with layer widths {@code widths} (input first, classes last). */
  static double mlpLoss(double[] p, int[] widths, float[] x, float[] labels, int n) {
    double total = 0;
    for (int s = 0; s < n; s++) {
      double[] a = new double[widths[0]];
      for (int i = 0; i < a.length; i++) {
        a[i] = x[s * widths[0] + i];
      }
      int offset = 0;
      for (int l = 0; l + 1 < widths.length; l++) {
        boolean last = l + 2 == widths.length;
        a = linear(p, offset, widths[l], widths[l + 1], a, !last);
        offset += widths[l] * widths[l + 1] + widths[l + 1];
      }
      total += crossEntropy(a, (int) labels[s]);
    }
    return total / n;
  }

  /** Mean softmax cross-entropy of {@link Cnn}'s architecture with the given sizes. */
  static double cnnLoss(double[] p, int h, int w, int c1, int c2, int k, int f, int classes,
      float[] x, float[] labels, int n) {
    int conv2Off = c1 * k * k + c1;
    int fc1Off = conv2Off + c2 * c1 * k * k + c2;
    int flat = c2 * (h / 4) * (w / 4);
    int fc2Off = fc1Off + f * flat + f;
    double total = 0;
    for (int s = 0; s < n; s++) {
      double[][][] img = new double[1][h][w];
      for (int i = 0; i < h; i++) {
        for (int j = 0; j < w; j++) {
          img[0][i][j] = x[s * h * w + i * w + j];
        }
      }
      double[][][] a = pool(relu(conv(p, 0, img, c1, k)));
      a = pool(relu(conv(p, conv2Off, a, c2, k)));
      double[] v = new double[flat];
      int idx = 0;
      for (double[][] plane : a) {
        for (double[] row : plane) {
          for (double value : row) {
            v[idx++] = value;
          }
        }
      }
      double[] hidden = linear(p, fc1Off, flat, f, v, true);
      double[] logits = linear(p, fc2Off, f, classes, hidden, false);
      total += crossEntropy(logits, (int) labels[s]);
    }
    return total / n;
  }

  private static double[] linear(double[] p, int offset, int in, int out, double[] x, boolean relu) {
    double[] y = new double[out];
    for (int o = 0; o < out; o++) {
      double sum = p[offset + out * in + o];
      for (int i = 0; i < in; i++) {
        sum += p[offset + o * in + i] * x[i];
      }
      y[o] = relu ? Math.max(sum, 0) : sum;
    }
    return y;
  }

  /** Cross-correlation with zero padding k/2, stride 1, weight [out][in][k][k] then bias [out]. */
  private static double[][][] conv(double[] p, int offset, double[][][] x, int outC, int k) {
    int inC = x.length;
    int h = x[0].length;
    int w = x[0][0].length;
    int pad = k / 2;
    double[][][] y = new double[outC][h][w];
    for (int o = 0; o < outC; o++) {
      for (int i = 0; i < h; i++) {
        for (int j = 0; j < w; j++) {
          double sum = p[offset + outC * inC * k * k + o];
          for (int c = 0; c < inC; c++) {
            for (int di = 0; di < k; di++) {
              for (int dj = 0; dj < k; dj++) {
                int ii = i + di - pad;
                int jj = j + dj - pad;
                if (ii >= 0 && ii < h && jj >= 0 && jj < w) {
                  sum += p[offset + ((o * inC + c) * k + di) * k + dj] * x[c][ii][jj];
                }
              }
            }
          }
          y[o][i][j] = sum;
        }
      }
    }
    return y;
  }

  private static double[][][] relu(double[][][] x) {
    for (double[][] plane : x) {
      for (double[] row : plane) {
        for (int j = 0; j < row.length; j++) {
          row[j] = Math.max(row[j], 0);
        }
      }
    }
    return x;
  }

  private static double[][][] pool(double[][][] x) {
    int h = x[0].length / 2;
    int w = x[0][0].length / 2;
    double[][][] y = new double[x.length][h][w];
    for (int c = 0; c < x.length; c++) {
      for (int i = 0; i < h; i++) {
        for (int j = 0; j < w; j++) {
          y[c][i][j] = Math.max(Math.max(x[c][2 * i][2 * j], x[c][2 * i][2 * j + 1]),
              Math.max(x[c][2 * i + 1][2 * j], x[c][2 * i + 1][2 * j + 1]));
        }
      }
    }
    return y;
  }

  /** −log softmax(logits)[y], straight from the definition (the inputs here are small). */
  static double crossEntropy(double[] logits, int y) {
    double z = 0;
    for (double v : logits) {
      z += Math.exp(v);
    }
    return Math.log(z) - logits[y];
  }
}
