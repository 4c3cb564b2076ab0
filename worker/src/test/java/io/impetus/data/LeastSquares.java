package io.impetus.data;

/** Ordinary least squares with an intercept, in double, by the normal equations: a test oracle. */
final class LeastSquares {
  private LeastSquares() {}

  /** The mean squared residual of the best affine fit of the targets on the inputs. */
  static double residualVariance(Dataset data) {
    int d = data.inputDim();
    int k = d + 1; // inputs and a constant 1
    double[][] a = new double[k][k + 1]; // [X^T X | X^T y]
    double[] row = new double[k];
    for (int i = 0; i < data.size(); i++) {
      for (int j = 0; j < d; j++) {
        row[j] = data.inputs()[i * d + j];
      }
      row[d] = 1;
      for (int r = 0; r < k; r++) {
        for (int c = 0; c < k; c++) {
          a[r][c] += row[r] * row[c];
        }
        a[r][k] += row[r] * data.targets()[i];
      }
    }
    double[] coef = solve(a);
    double sum = 0;
    for (int i = 0; i < data.size(); i++) {
      double prediction = coef[d];
      for (int j = 0; j < d; j++) {
        prediction += coef[j] * data.inputs()[i * d + j];
      }
      double residual = data.targets()[i] - prediction;
      sum += residual * residual;
    }
    return sum / data.size();
  }

  /** Gauss-Jordan elimination with partial pivoting on an augmented k x (k+1) matrix. */
  private static double[] solve(double[][] a) {
    int k = a.length;
    for (int col = 0; col < k; col++) {
      int pivot = col;
      for (int r = col + 1; r < k; r++) {
        if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) {
          pivot = r;
        }
      }
      double[] t = a[col];
      a[col] = a[pivot];
      a[pivot] = t;
      for (int r = 0; r < k; r++) {
        if (r != col) {
          double f = a[r][col] / a[col][col];
          for (int c = col; c <= k; c++) {
            a[r][c] -= f * a[col][c];
          }
        }
      }
    }
    double[] x = new double[k];
    for (int r = 0; r < k; r++) {
      x[r] = a[r][k] / a[r][r];
    }
    return x;
  }
}
