package io.impetus.optim;

import java.util.Locale;

/**
 * How closely a replay reproduced a {@link GoldenTrace}: the parameters after every step compared
 * with the trace's, value by value.
 *
 * <p>{@code maxUlp} is the largest distance between the float32 bit patterns on the sortable-int
 * line (so 0 means bit-identical, and -0 and +0 are 1 apart); {@code differingValues} counts values
 * whose bits differ. {@code maxAbsError} is NaN if a value differs by being NaN. The trajectories are
 * kept (not copied) so that tolerances can be checked afterwards; {@code equals} compares them by
 * identity, as records do.
 *
 * @param name the trace's case name
 * @param file the trace's file
 * @param n parameters per step
 * @param steps steps replayed
 * @param maxAbsError the largest |actual - expected|
 * @param maxUlp the largest ULP distance
 * @param differingValues how many of the {@code steps * n} values differ in any bit
 * @param actual steps x n: the replayed parameters after each step
 * @param expected steps x n: the trace's parameters after each step
 */
public record ReplayResult(
    String name,
    String file,
    int n,
    int steps,
    double maxAbsError,
    long maxUlp,
    long differingValues,
    float[][] actual,
    float[][] expected) {

  /** The tolerance the golden README states for a float32 port without FMA. */
  public static final double DEFAULT_RTOL = 1e-5;
  /** The absolute part of the default tolerance. */
  public static final double DEFAULT_ATOL = 1e-5;

  /** Compares two trajectories of equal shape and summarizes the differences. */
  public static ReplayResult compare(String name, String file, float[][] actual, float[][] expected) {
    double maxAbs = 0;
    long maxUlp = 0;
    long differing = 0;
    for (int t = 0; t < expected.length; t++) {
      for (int i = 0; i < expected[t].length; i++) {
        float a = actual[t][i];
        float b = expected[t][i];
        long ulp = ulpDistance(a, b);
        if (ulp != 0) {
          differing++;
          maxUlp = Math.max(maxUlp, ulp);
          maxAbs = Math.max(maxAbs, Math.abs((double) a - (double) b)); // Math.max keeps a NaN
        }
      }
    }
    int n = expected.length == 0 ? 0 : expected[0].length;
    return new ReplayResult(name, file, n, expected.length, maxAbs, maxUlp, differing, actual, expected);
  }

  /**
   * The number of float32 values between {@code a} and {@code b}: the distance of their bit patterns
   * mapped to ints that sort like the floats. 0 exactly when the bits are equal.
   */
  public static long ulpDistance(float a, float b) {
    return Math.abs((long) sortable(a) - (long) sortable(b));
  }

  // Negative floats sort in reverse bit order; flipping their magnitude bits makes the int order
  // match the float order (with -0 just below +0).
  private static int sortable(float x) {
    int bits = Float.floatToRawIntBits(x);
    return bits ^ ((bits >> 31) & 0x7fffffff);
  }

  /** True if every bit of every value matches. */
  public boolean bitExact() {
    return differingValues == 0;
  }

  /** {@code steps * n}. */
  public long totalValues() {
    return (long) steps * n;
  }

  /** True if every value satisfies {@code |actual - expected| <= atol + rtol*|expected|}; NaN never does unless bit-equal. */
  public boolean withinTolerance(double rtol, double atol) {
    for (int t = 0; t < steps; t++) {
      for (int i = 0; i < n; i++) {
        float a = actual[t][i];
        float b = expected[t][i];
        if (Float.floatToRawIntBits(a) != Float.floatToRawIntBits(b)
            && !(Math.abs((double) a - (double) b) <= atol + rtol * Math.abs((double) b))) {
          return false;
        }
      }
    }
    return true;
  }

  /** {@link #withinTolerance(double, double)} with rtol = atol = 1e-5. */
  public boolean withinTolerance() {
    return withinTolerance(DEFAULT_RTOL, DEFAULT_ATOL);
  }

  /** The 1-based step of the first differing value, or 0 if the replay is bit-exact. */
  public int firstDifferingStep() {
    for (int t = 0; t < steps; t++) {
      for (int i = 0; i < n; i++) {
        if (Float.floatToRawIntBits(actual[t][i]) != Float.floatToRawIntBits(expected[t][i])) {
          return t + 1;
        }
      }
    }
    return 0;
  }

  /** One line for the replay command, e.g. {@code sgd_plain_n7.json sgd_plain n=7 steps=50 bit-exact}. */
  public String summary() {
    String verdict = bitExact() ? "bit-exact"
        : withinTolerance() ? "within tolerance" : "OUT OF TOLERANCE";
    return String.format(Locale.ROOT, "%s %s n=%d steps=%d differing=%d/%d max_ulp=%d max_abs=%.3g first_step=%d %s",
        file, name, n, steps, differingValues, totalValues(), maxUlp, maxAbsError, firstDifferingStep(), verdict);
  }
}
