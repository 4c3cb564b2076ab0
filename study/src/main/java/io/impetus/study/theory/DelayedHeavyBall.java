package io.impetus.study.theory;

import java.util.Arrays;
import java.util.Comparator;
import org.apache.commons.math3.analysis.solvers.LaguerreSolver;
import org.apache.commons.math3.complex.Complex;
import org.apache.commons.math3.exception.ConvergenceException;
import org.apache.commons.math3.exception.TooManyEvaluationsException;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;

/**
 * Heavy-ball momentum with a fixed delay on the scalar quadratic f(x) = h/2·x²:
 * {@code x_{t+1} = x_t − αh·x_{t−τ} + β(x_t − x_{t−1})}.
 *
 * <p>Its characteristic polynomial is {@code z^{τ+1} − (1+β)z^τ + βz^{τ−1} + αh} for τ ≥ 1 and
 * {@code z² − (1+β−αh)z + β} for τ = 0 (the companion matrix [[1+β−αh, −β], [1, 0]]). The largest
 * root modulus, the spectral radius, is the linear rate of |x_t|; the iteration converges iff it is
 * below 1. PyTorch-style SGD momentum (v = βv + g; x −= αv) follows this recurrence exactly.
 *
 * <p>Immutable; the roots are found once by {@link LaguerreSolver} (commons-math).
 */
public final class DelayedHeavyBall {
  private final double h;
  private final double alpha;
  private final double beta;
  private final int tau;
  private final Complex[] roots;

  /** The recurrence for curvature h, step α, momentum β and delay τ. */
  public DelayedHeavyBall(double h, double alpha, double beta, int tau) {
    if (tau < 0) {
      throw new IllegalArgumentException("delay must be >= 0, got " + tau);
    }
    this.h = h;
    this.alpha = alpha;
    this.beta = beta;
    this.tau = tau;
    this.roots = solve(coefficients());
  }

  /**
   * The coefficients, constant term first (commons-math order): length τ + 2 (τ ≥ 1) or 3 (τ = 0).
   */
  public double[] coefficients() {
    double ah = alpha * h;
    if (tau == 0) {
      return new double[] {beta, -(1 + beta - ah), 1};
    }
    double[] c = new double[tau + 2];
    c[0] += ah;
    c[tau - 1] += beta;
    c[tau] += -(1 + beta);
    c[tau + 1] += 1;
    return c;
  }

  /** The 2×2 companion matrix of the τ = 0 recurrence acting on (x_t, x_{t−1}). */
  public double[][] companionMatrix() {
    if (tau != 0) {
      throw new IllegalStateException("the companion matrix is printed for τ = 0 only");
    }
    return new double[][] {{1 + beta - alpha * h, -beta}, {1, 0}};
  }

  /** The roots, largest modulus first. */
  public Complex[] roots() {
    return roots.clone();
  }

  /** The largest root modulus: the predicted linear rate. */
  public double spectralRadius() {
    return roots[0].abs();
  }

  /** Whether every root lies strictly inside the unit circle. */
  public boolean converges() {
    return spectralRadius() < 1;
  }

  /** The polynomial as text, e.g. {@code z^3 - 1.9 z^2 + 0.9 z + 0.1}. */
  public String polynomialText() {
    double[] c = coefficients();
    StringBuilder sb = new StringBuilder();
    for (int p = c.length - 1; p >= 0; p--) {
      if (c[p] == 0 && p != c.length - 1) {
        continue;
      }
      String mag = io.impetus.study.simulate.Fmt.num(Math.abs(c[p]));
      String term = p == 0 ? mag : (Math.abs(c[p]) == 1 ? "" : mag + " ") + (p == 1 ? "z" : "z^" + p);
      if (sb.length() == 0) {
        sb.append(c[p] < 0 ? "-" : "").append(term);
      } else {
        sb.append(c[p] < 0 ? " - " : " + ").append(term);
      }
    }
    return sb.toString();
  }

  private static Complex[] solve(double[] coefficients) {
    Complex[] r;
    try {
      r = new LaguerreSolver(1e-14, 1e-14).solveAllComplex(coefficients, 0.5, 100_000);
    } catch (TooManyEvaluationsException | ConvergenceException e) {
      r = companionEigenvalues(coefficients); // Laguerre can stall near clustered roots (large τ, β near 1)
    }
    Complex[] sorted = Arrays.copyOf(r, r.length);
    Arrays.sort(sorted, Comparator.comparingDouble(Complex::abs).reversed());
    return sorted;
  }

  /** The eigenvalues of the companion matrix of the monic polynomial: its roots, by a QR-type method. */
  private static Complex[] companionEigenvalues(double[] c) {
    int n = c.length - 1;
    double[][] m = new double[n][n];
    for (int j = 0; j < n; j++) {
      m[0][j] = -c[n - 1 - j] / c[n];
    }
    for (int i = 1; i < n; i++) {
      m[i][i - 1] = 1;
    }
    EigenDecomposition eig = new EigenDecomposition(new Array2DRowRealMatrix(m, false));
    Complex[] roots = new Complex[n];
    for (int i = 0; i < n; i++) {
      roots[i] = new Complex(eig.getRealEigenvalue(i), eig.getImagEigenvalue(i));
    }
    return roots;
  }

  public double h() {
    return h;
  }

  public double alpha() {
    return alpha;
  }

  public double beta() {
    return beta;
  }

  public int tau() {
    return tau;
  }
}
