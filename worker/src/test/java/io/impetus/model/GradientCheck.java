package io.impetus.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.ToDoubleFunction;

/**
 * Central finite differences of a float64 reference loss, and the comparison of a model's float32
 * gradient against them. The reference is evaluated in double so the step can be tiny (1e-6) and
 * the differences accurate to about 1e-9, which leaves the float32 rounding of the model's own
 * gradient (about 1e-6 relative) as the only error, well inside a 1e-3 tolerance.
 */
final class GradientCheck {
  static final double STEP = 1e-6;
  static final double RELATIVE_TOLERANCE = 1e-3;

  private GradientCheck() {}

  /** The exact double values of {@code values}. */
  static double[] toDouble(float[] values) {
    double[] result = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      result[i] = values[i];
    }
    return result;
  }

  /** d f / d p_i at {@code at} (converted exactly to double), by central differences. */
  static double[] centralDifferences(ToDoubleFunction<double[]> f, float[] at) {
    double[] p = toDouble(at);
    double[] gradient = new double[at.length];
    for (int i = 0; i < p.length; i++) {
      double saved = p[i];
      p[i] = saved + STEP;
      double up = f.applyAsDouble(p);
      p[i] = saved - STEP;
      double down = f.applyAsDouble(p);
      p[i] = saved;
      gradient[i] = (up - down) / (2 * STEP);
    }
    return gradient;
  }

  /**
   * Every component of {@code actual} is within {@code RELATIVE_TOLERANCE} of {@code expected},
   * relative to the larger of the component and a thousandth of the largest component (so a
   * component that cancels to nearly zero is judged on the gradient's scale, not its own).
   */
  static void assertClose(double[] expected, float[] actual) {
    double largest = 0;
    for (double e : expected) {
      largest = Math.max(largest, Math.abs(e));
    }
    for (int i = 0; i < expected.length; i++) {
      double scale = Math.max(Math.abs(expected[i]), 1e-3 * largest);
      double error = Math.abs(actual[i] - expected[i]);
      assertTrue(error <= RELATIVE_TOLERANCE * scale,
          "component " + i + ": model " + actual[i] + ", finite differences " + expected[i]);
    }
  }

  /** |actual - expected| ≤ relative · |expected|. */
  static void assertRelativelyClose(double expected, double actual, double relative, String what) {
    assertTrue(Math.abs(actual - expected) <= relative * Math.abs(expected),
        what + ": expected " + expected + ", got " + actual);
  }
}
