package io.impetus.study.theory;

import io.impetus.model.Quadratic;
import io.impetus.optim.OptimizerConfig;
import io.impetus.optim.SgdState;
import io.impetus.shard.SliceUpdater;
import io.impetus.staleness.StalenessPolicy;
import io.impetus.study.simulate.Fmt;
import io.impetus.study.simulate.RateFit;

/**
 * The measured side of {@code impetus study theory --measure}: the linear rate at which the real
 * optimizer (PyTorch-style SGD momentum applied through the shard's {@link SliceUpdater}, float32,
 * on the real {@link Quadratic} started at 1 in every coordinate) approaches the optimum with every
 * gradient exactly τ updates old.
 *
 * <p>Why not the simulator's trajectory: a converging run's error leaves float32's range (below
 * 1e−38) after a few hundred updates at rate 0.8 and after 38 at rate 0.1, and a diverging run stops
 * at the simulator's bound, so a fit over its trajectory sees only the first updates, where the
 * slower-decaying parts of the solution (a repeated root's t·ρ^t, the other roots) still bend the
 * curve. The update is linear in its state (the last τ + 1 iterates and the momentum buffer), so
 * multiplying the whole state by a power of two is exact in binary floating point and changes only
 * the scale. This loop does that whenever the largest entry leaves [2^−20, 2^20], keeps the log of
 * the scale aside, and so runs as many updates as asked whatever the rate. The rate is then fitted by
 * {@link RateFit#rateOfLogs} over the late half of the run (window τ + 2 iterates).
 *
 * <p>Where there is no rate to measure it says why instead of returning a number: the state becomes
 * exactly 0 (spectral radius 0, e.g. α·h = 1 with β = 0 and τ = 0, where one update lands on the
 * optimum); the spectral radius is below {@link #RESOLUTION}, where each update cancels the error
 * down to what float32 rounding leaves (relative 6e−8), so what a fit would see is rounding noise,
 * not the rate; one update overflows float32 (a rate beyond about 1e32); or the run is shorter than
 * {@link #minimumUpdates}.
 */
public final class RateMeasurement {
  /** Below this spectral radius float32 rounding, not the recurrence, sets the per-update decay. */
  public static final double RESOLUTION = 1e-3;
  private static final int RANGE_EXPONENT = 20;

  private RateMeasurement() {}

  /**
   * The outcome of a measurement.
   *
   * @param rate the fitted rate, or NaN when {@code note} says why there is none
   * @param updates the updates run
   * @param note null when measured; else why not, as the text and {@code measured_rate_note} say it
   */
  public record Result(double rate, int updates, String note) {

    /** Whether a rate was fitted. */
    public boolean measured() {
      return note == null;
    }
  }

  /**
   * Runs {@code updates} updates of step α, momentum β and delay τ on the quadratic with eigenvalues
   * {@code curvatures}, and fits the rate; {@code predictedRadius} (the theory's spectral radius)
   * only decides whether float32 can resolve it.
   */
  public static Result measure(double[] curvatures, double alpha, double beta, int tau, int updates, double predictedRadius) {
    if (tau < 0 || updates < 1) {
      throw new IllegalArgumentException("need a delay >= 0 and at least 1 update, got " + tau + " and " + updates);
    }
    int n = curvatures.length;
    float[] h = new float[n];
    float[] start = new float[n];
    for (int i = 0; i < n; i++) {
      h[i] = (float) curvatures[i];
      start[i] = 1f;
    }
    Quadratic quadratic = new Quadratic(h, start);
    SliceUpdater updater = new SliceUpdater(OptimizerConfig.sgd(alpha, beta), StalenessPolicy.parse("none"), n);
    float[] velocity = updater.state() instanceof SgdState sgd ? sgd.velocity() : null;
    int depth = tau + 1;
    float[][] ring = new float[depth][n];
    quadratic.initialize(ring[0], 0);
    float[] grad = new float[n];
    double[] logNorm = new double[updates + 1];
    double logScale = 0; // the true state is the stored one times e^logScale
    logNorm[0] = logNorm(ring[0]);
    for (int t = 0; t < updates; t++) {
      int delay = Math.min(tau, t); // before update τ there is no older iterate than the start
      float[] current = ring[t % depth];
      float[] stale = ring[(t - delay) % depth];
      quadratic.lossAndGradient(stale, null, grad);
      float[] next = ring[(t + 1) % depth];
      if (next != current) {
        System.arraycopy(current, 0, next, 0, n);
      }
      updater.apply(next, grad, delay, null);
      logNorm[t + 1] = logNorm(next) + logScale;
      double largest = largestMagnitude(ring, velocity);
      if (largest == 0) {
        return new Result(Double.NaN, t + 1, "not measurable: the error is exactly 0 after " + (t + 1)
            + (t == 0 ? " update" : " updates") + " (spectral radius " + Fmt.num(predictedRadius) + "), so there is no rate to fit");
      }
      if (!Double.isFinite(largest)) {
        return new Result(Double.NaN, t + 1, "not measurable: one update overflowed float32 (spectral radius "
            + Fmt.num(predictedRadius) + ")");
      }
      logScale += rescale(ring, velocity, largest);
    }
    if (predictedRadius < RESOLUTION) {
      return new Result(Double.NaN, updates, "not measurable: the spectral radius " + Fmt.num(predictedRadius) + " is below "
          + Fmt.num(RESOLUTION) + ", where each update cancels the error down to float32 rounding");
    }
    int window = tau + 2;
    double rate = RateFit.rateOfLogs(logNorm, window);
    if (Double.isNaN(rate)) {
      return new Result(rate, updates, "not measurable: " + updates + " updates are too few to fit over windows of " + window
          + " iterates (need at least " + minimumUpdates(tau) + ")");
    }
    return new Result(rate, updates, null);
  }

  /** The fewest updates a fit with delay τ needs: two windows of τ + 2 iterates after the first. */
  public static int minimumUpdates(int tau) {
    return 2 * (tau + 2);
  }

  /**
   * Multiplies the state by 2^−e when its largest entry 2^e is out of [2^−20, 2^20] (exact: only the
   * exponents change) and returns the log of the factor the true state is the stored one times.
   */
  private static double rescale(float[][] ring, float[] velocity, double largest) {
    int e = Math.getExponent(largest);
    if (Math.abs(e) <= RANGE_EXPONENT) {
      return 0;
    }
    float factor = Math.scalb(1f, -e);
    for (float[] x : ring) {
      multiply(x, factor);
    }
    if (velocity != null) {
      multiply(velocity, factor);
    }
    return e * Math.log(2);
  }

  private static void multiply(float[] x, float factor) {
    for (int i = 0; i < x.length; i++) {
      x[i] *= factor;
    }
  }

  private static double largestMagnitude(float[][] ring, float[] velocity) {
    double m = velocity == null ? 0 : largestMagnitude(velocity);
    for (float[] x : ring) {
      m = Math.max(m, largestMagnitude(x));
    }
    return m;
  }

  private static double largestMagnitude(float[] x) {
    double m = 0;
    for (float v : x) {
      m = Double.isFinite(v) ? Math.max(m, Math.abs(v)) : Double.POSITIVE_INFINITY;
    }
    return m;
  }

  private static double logNorm(float[] x) {
    double s = 0;
    for (float v : x) {
      s += (double) v * v;
    }
    return 0.5 * Math.log(s);
  }
}
