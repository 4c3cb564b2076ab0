package io.impetus.model;

/**
 * Softmax cross-entropy over rows of logits, with the label of each row given as a class index
 * stored in a float. Numerically stable: every row is shifted by its maximum before exponentiating,
 * so the loss log Σ exp(z_j) − z_y = m + log Σ exp(z_j − m) − z_y never overflows.
 */
final class SoftmaxCrossEntropy {
  private SoftmaxCrossEntropy() {}

  /**
   * The sum over rows of the loss, and, in place of the logits, {@code scale · (softmax − onehot)}:
   * the gradient of {@code scale ×} that sum with respect to the logits (scale = 1/n for a mean).
   */
  static double lossSumAndGradientInPlace(float[] logits, int n, int classes, float[] labels, int labelOffset,
      float scale) {
    double sum = 0;
    for (int i = 0; i < n; i++) {
      int row = i * classes;
      int y = label(labels, labelOffset + i, classes);
      float max = rowMax(logits, row, classes);
      // Kept before the row is overwritten; log(exp(shifted)) would underflow for a very wrong guess.
      double shiftedTrue = (double) logits[row + y] - max;
      double z = 0;
      for (int j = 0; j < classes; j++) {
        float e = (float) Math.exp(logits[row + j] - max);
        logits[row + j] = e;
        z += e;
      }
      sum += Math.log(z) - shiftedTrue;
      float inv = (float) (scale / z);
      for (int j = 0; j < classes; j++) {
        logits[row + j] *= inv;
      }
      logits[row + y] -= scale;
    }
    return sum;
  }

  /** The sum over rows of the loss; the logits are left as they are. */
  static double lossSum(float[] logits, int n, int classes, float[] labels, int labelOffset) {
    double sum = 0;
    for (int i = 0; i < n; i++) {
      int row = i * classes;
      int y = label(labels, labelOffset + i, classes);
      float max = rowMax(logits, row, classes);
      double z = 0;
      for (int j = 0; j < classes; j++) {
        z += Math.exp(logits[row + j] - max);
      }
      sum += Math.log(z) - ((double) logits[row + y] - max);
    }
    return sum;
  }

  /** Rows whose first highest logit is at the label's index. */
  static int correct(float[] logits, int n, int classes, float[] labels, int labelOffset) {
    int correct = 0;
    for (int i = 0; i < n; i++) {
      int row = i * classes;
      int best = 0;
      for (int j = 1; j < classes; j++) {
        if (logits[row + j] > logits[row + best]) {
          best = j;
        }
      }
      if (best == label(labels, labelOffset + i, classes)) {
        correct++;
      }
    }
    return correct;
  }

  private static float rowMax(float[] logits, int row, int classes) {
    float max = Float.NEGATIVE_INFINITY;
    for (int j = 0; j < classes; j++) {
      max = Math.max(max, logits[row + j]);
    }
    return max;
  }

  /** The class index stored at {@code labels[i]}, which must be an integer in [0, classes). */
  static int label(float[] labels, int i, int classes) {
    float value = labels[i];
    int y = (int) value;
    if (y != value || y < 0 || y >= classes) {
      throw new IllegalArgumentException(
          "target " + value + " of row " + i + " is not a class index in [0, " + classes + ")");
    }
    return y;
  }
}
