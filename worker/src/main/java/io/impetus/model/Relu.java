package io.impetus.model;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;

/**
 * The rectifier max(x, 0), in place, and its backward pass from the rectified values: +0 for every
 * negative input and for -0 ({@code Math.max}'s answer; torch.relu keeps -0, which changes nothing
 * downstream but the sign of a zero), NaN kept in the forward pass so that a diverged model shows,
 * and a gradient that passes exactly where the output is positive (not at 0, not at NaN).
 *
 * <p>Why the bit arithmetic: whether a unit is on is a coin flip, so a branch per element is
 * mispredicted half the time. HotSpot's optimizing compiler (C2) turns {@code Math.max} into vector
 * instructions, but it compiles neither a float select nor the branches inside {@code Math.max}'s
 * Java code without branching, and the quick compiler (C1), which workers of native-BLAS models run
 * on (see {@code impetus local --help}), compiles both as branches and calls. Masks built from the
 * floats' bits need no branch under either. Measured on 64 × 256 activations: forward 201 → 45 µs
 * under C1 (C2's vectorized {@code Math.max}: 7 µs, the masks: 21 µs, so C2 keeps {@code Math.max});
 * backward 120 → 47 µs under C1 and 74 → 18 µs under C2.
 */
final class Relu {
  /** Whether this JVM compiles hot code with C2 (not stopped at C1 by -XX:TieredStopAtLevel). */
  private static final boolean OPTIMIZING_JIT = optimizingJit();

  private Relu() {}

  /** v[i] = max(v[i], 0) for i in [0, count). */
  static void forwardInPlace(float[] v, int count) {
    if (OPTIMIZING_JIT) {
      forwardByMax(v, count);
    } else {
      forwardByMasks(v, count);
    }
  }

  /** The forward pass for C2, which vectorizes it. */
  static void forwardByMax(float[] v, int count) {
    for (int i = 0; i < count; i++) {
      v[i] = Math.max(v[i], 0f);
    }
  }

  /** The forward pass without a branch, for C1; the same results as {@link #forwardByMax}. */
  static void forwardByMasks(float[] v, int count) {
    for (int i = 0; i < count; i++) {
      int bits = Float.floatToRawIntBits(v[i]);
      // Keep the value where the sign bit is clear or it is a NaN (magnitude bits above infinity's).
      int keep = ~(bits >> 31) | ((0x7f800000 - (bits & 0x7fffffff)) >> 31);
      v[i] = Float.intBitsToFloat(bits & keep);
    }
  }

  /**
   * Zeroes the gradient where the unit was off: the output is positive exactly where the input was,
   * so the rectified values are enough to know where the gradient passes (0 at 0, as torch does).
   */
  static void backwardInPlace(float[] grad, float[] output, int count) {
    for (int i = 0; i < count; i++) {
      int out = Float.floatToRawIntBits(output[i]);
      // All ones exactly for 0 < out <= +infinity as integers: positive floats, not zero, not NaN.
      int pass = (-out >> 31) & ((out - 0x7f800001) >> 31);
      grad[i] = Float.intBitsToFloat(Float.floatToRawIntBits(grad[i]) & pass);
    }
  }

  private static boolean optimizingJit() {
    try {
      String level = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
          .getVMOption("TieredStopAtLevel").getValue();
      return Integer.parseInt(level) >= 4;
    } catch (RuntimeException | LinkageError notHotSpot) {
      return true;
    }
  }
}
