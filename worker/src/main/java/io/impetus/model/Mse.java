package io.impetus.model;

/**
 * The two reductions of PyTorch's {@code MSELoss} (mean reduction) over a batch of n predictions,
 * shared by the regression models.
 */
final class Mse {
  private Mse() {}

  /**
   * d loss / d prediction_i = scale · (prediction_i − target_i), with scale = 2/n rounded to float32,
   * as in PyTorch's mse_loss_backward.
   */
  static float gradientScale(int n) {
    return (float) (2.0 / n);
  }

  /**
   * The mean from a sum of float32 squared residuals. The sum is kept in double, close to the exact
   * value that PyTorch's pairwise float32 summation approximates, and the mean is rounded to float32
   * because that is the precision of the loss PyTorch reports.
   */
  static double mean(double sumOfSquares, int n) {
    return (float) (sumOfSquares / n);
  }
}
