package io.impetus.model;

/**
 * 2×2 max pooling with stride 2, as torch.nn.MaxPool2d(2) (an odd last row or column is dropped),
 * over {@code planes} consecutive h×w planes. The forward pass records where each maximum came
 * from (the first one on ties), so the backward pass routes each gradient to that one input.
 */
final class MaxPool2 {
  final int h;
  final int w;
  final int outH;
  final int outW;

  MaxPool2(int h, int w) {
    this.h = h;
    this.w = w;
    this.outH = h / 2;
    this.outW = w / 2;
  }

  /** Values per plane after pooling. */
  int outputPlane() {
    return outH * outW;
  }

  /** y = pool(x) for {@code planes} planes; {@code argmax} gets, per output, the index in x of its maximum. */
  void forward(float[] x, int planes, float[] y, int[] argmax) {
    int in = h * w;
    int out = outH * outW;
    for (int p = 0; p < planes; p++) {
      int xBase = p * in;
      int yBase = p * out;
      for (int oy = 0; oy < outH; oy++) {
        for (int ox = 0; ox < outW; ox++) {
          int top = xBase + 2 * oy * w + 2 * ox;
          int best = top;
          if (x[top + 1] > x[best]) {
            best = top + 1;
          }
          if (x[top + w] > x[best]) {
            best = top + w;
          }
          if (x[top + w + 1] > x[best]) {
            best = top + w + 1;
          }
          y[yBase + oy * outW + ox] = x[best];
          argmax[yBase + oy * outW + ox] = best;
        }
      }
    }
  }

  /**
   * dx = 0 except dx[argmax[o]] = dy[o] where the pooled input was positive: the ReLU before the
   * pool is folded in (max and ReLU commute, and a unit at 0 passes no gradient).
   */
  void backwardThroughRelu(float[] dy, int[] argmax, float[] activations, int planes, float[] dx) {
    java.util.Arrays.fill(dx, 0, planes * h * w, 0f);
    int count = planes * outH * outW;
    for (int o = 0; o < count; o++) {
      int i = argmax[o];
      if (activations[i] > 0f) {
        dx[i] = dy[o];
      }
    }
  }
}
