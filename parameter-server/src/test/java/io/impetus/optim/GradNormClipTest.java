package io.impetus.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@link GradNormClip}: torch's clip_grad_norm_ arithmetic on one slice. */
class GradNormClipTest {

  @Test
  void aGradientLongerThanTheBoundIsScaledByBoundOverNormPlusEps() {
    float[] grad = {3f, -4f, 0f}; // norm 5
    double coef = GradNormClip.of(1.0).clip(grad);
    // By hand: coefficient 1 / (5 + 1e-6), rounded to float once, times each value.
    float c = (float) (1.0 / 5.000001);
    assertEquals(1.0 / 5.000001, coef, 0.0);
    assertArrayEquals(new float[] {3f * c, -4f * c, 0f}, grad, 0f);
    assertEquals(0.5999998800, grad[0], 1e-7);
    double norm = Math.sqrt((double) grad[0] * grad[0] + (double) grad[1] * grad[1]);
    assertTrue(norm <= 1.0, "clipped norm " + norm);
  }

  @Test
  void aGradientWithinTheBoundIsLeftBitIdentical() {
    float[] grad = {0.3f, 0.4f}; // norm 0.5
    assertEquals(1.0, GradNormClip.of(0.5000011).clip(grad), 0.0);
    assertArrayEquals(new float[] {0.3f, 0.4f}, grad, 0f);
  }

  @Test
  void noneLeavesEveryGradientAlone() {
    float[] grad = {1e30f, -1e30f};
    assertFalse(GradNormClip.NONE.enabled());
    assertEquals(GradNormClip.NONE, GradNormClip.of(0));
    assertEquals(1.0, GradNormClip.NONE.clip(grad), 0.0);
    assertArrayEquals(new float[] {1e30f, -1e30f}, grad, 0f);
  }

  @Test
  void aHugeFiniteGradientIsClippedWithoutOverflowingItsNorm() {
    float[] grad = {3e38f, 3e38f}; // the squares overflow float, not double
    GradNormClip.of(2.0).clip(grad);
    float each = (float) (3e38f * (double) (float) (2.0 / (Math.sqrt(2 * (double) 3e38f * 3e38f) + 1e-6)));
    assertEquals(each, grad[0], Math.ulp(each));
    assertEquals(Math.sqrt(2.0), grad[1], 1e-6);
  }

  @Test
  void aBoundThatIsNotAFiniteNonNegativeNumberIsRefusedNamingTheFlag() {
    for (double bad : new double[] {-1, Double.NaN, Double.POSITIVE_INFINITY}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GradNormClip.of(bad));
      assertEquals("--clip-grad-norm must be a finite number > 0 (0 for none), got " + bad, e.getMessage());
    }
  }
}
