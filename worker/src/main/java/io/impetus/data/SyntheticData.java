package io.impetus.data;

import java.util.SplittableRandom;

/**
 * Seeded synthetic regression data sets. The same seed gives the same data, bit for bit, in every
 * process, which is how separate workers agree on the data they partition.
 *
 * <p>Values are drawn in double, and each target is computed in double from the float32 inputs and
 * rounded once, so the data set is exactly what its formula says up to one float rounding. The
 * random stream is {@link Seeds#derive derived} from the seed rather than the seed itself, so
 * passing the same number as data seed and as model-init seed does not correlate the two.
 */
public final class SyntheticData {
  /** Stream id that separates data generation from other uses of the same seed. */
  private static final long DATA_STREAM = 0x64617461L; // "data"

  private SyntheticData() {}

  /** {@link #linear(int, int, long) linear(1000, 10, seed)}. */
  public static Dataset linear(long seed) {
    return linear(1000, 10, seed);
  }

  /**
   * {@code n} examples of {@code y = w·x + b + 0.1·N(0,1)} with {@code x ~ N(0, I_d)} and a true
   * {@code w ~ N(0, I_d)}, {@code b ~ N(0,1)} drawn once. The best possible MSE is the noise
   * variance, about 0.01.
   */
  public static Dataset linear(int n, int d, long seed) {
    requirePositive("n", n);
    requirePositive("d", d);
    SplittableRandom rng = new SplittableRandom(Seeds.derive(seed, DATA_STREAM));
    float[] w = new float[d];
    for (int j = 0; j < d; j++) {
      w[j] = (float) rng.nextGaussian();
    }
    float b = (float) rng.nextGaussian();
    float[] x = new float[Math.multiplyExact(n, d)];
    float[] y = new float[n];
    for (int i = 0; i < n; i++) {
      double target = b;
      for (int j = 0; j < d; j++) {
        float xij = (float) rng.nextGaussian();
        x[i * d + j] = xij;
        target += (double) w[j] * xij;
      }
      y[i] = (float) (target + 0.1 * rng.nextGaussian());
    }
    return new Dataset("linear(n=" + n + ",d=" + d + ",seed=" + seed + ")", n, d, 1, x, y);
  }

  /** {@link #squareCurve(int, long) squareCurve(1000, seed)}. */
  public static Dataset squareCurve(long seed) {
    return squareCurve(1000, seed);
  }

  /**
   * {@code n} examples of {@code y = x² + 0.1·N(0,1)} with {@code x ~ U(-1, 1)}, one input and one
   * target each. The best possible MSE is about 0.01.
   */
  public static Dataset squareCurve(int n, long seed) {
    requirePositive("n", n);
    SplittableRandom rng = new SplittableRandom(Seeds.derive(seed, DATA_STREAM));
    float[] x = new float[n];
    float[] y = new float[n];
    for (int i = 0; i < n; i++) {
      float xi = (float) rng.nextDouble(-1.0, 1.0);
      x[i] = xi;
      y[i] = (float) ((double) xi * xi + 0.1 * rng.nextGaussian());
    }
    return new Dataset("square-curve(n=" + n + ",seed=" + seed + ")", n, 1, 1, x, y);
  }

  private static void requirePositive(String what, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(what + " must be at least 1, got " + value);
    }
  }
}
