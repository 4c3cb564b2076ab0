package io.impetus.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Softmax cross-entropy: its values, its gradient, its stability at extreme logits, and its label checks. */
class SoftmaxCrossEntropyTest {

  @Test
  void equalLogitsCostLogOfTheClassCount() {
    float[] logits = {2, 2, 2, 2};
    assertEquals(Math.log(4), SoftmaxCrossEntropy.lossSum(logits, 1, 4, new float[] {3}, 0), 1e-12);
  }

  @Test
  void gradientIsSoftmaxMinusOneHotTimesTheScale() {
    float[] logits = {0, (float) Math.log(3)}; // softmax = (1/4, 3/4)
    double loss = SoftmaxCrossEntropy.lossSumAndGradientInPlace(logits, 1, 2, new float[] {0}, 0, 0.5f);
    assertEquals(Math.log(4), loss, 1e-6);
    assertEquals(0.5f * (0.25f - 1f), logits[0], 1e-7);
    assertEquals(0.5f * 0.75f, logits[1], 1e-7);
  }

  @Test
  void hugeLogitsNeitherOverflowNorUnderflow() {
    // exp(1000) overflows and exp(-1000) underflows: the max shift must keep both finite and exact.
    float[] logits = {1000, -1000, 0};
    assertEquals(2000, SoftmaxCrossEntropy.lossSum(logits, 1, 3, new float[] {1}, 0), 1e-9);
    assertEquals(0, SoftmaxCrossEntropy.lossSum(logits, 1, 3, new float[] {0}, 0), 1e-9);
    double withGradient = SoftmaxCrossEntropy.lossSumAndGradientInPlace(logits, 1, 3, new float[] {1}, 0, 1f);
    assertEquals(2000, withGradient, 1e-9);
    assertEquals(1f, logits[0]);
    assertEquals(-1f, logits[1]);
    assertEquals(0f, logits[2]);
  }

  @Test
  void countsRowsWhoseFirstLargestLogitIsTheLabel() {
    float[] logits = {1, 5, 5, /* row 2 */ 9, 0, 0, /* row 3 */ 0, 0, 1};
    // Row 1 ties between classes 1 and 2: argmax takes 1.
    assertEquals(2, SoftmaxCrossEntropy.correct(logits, 3, 3, new float[] {1, 0, 1}, 0));
  }

  @Test
  void targetsMustBeClassIndices() {
    float[] logits = {0, 0};
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SoftmaxCrossEntropy.lossSum(logits, 1, 2, new float[] {2}, 0));
    assertEquals("target 2.0 of row 0 is not a class index in [0, 2)", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> SoftmaxCrossEntropy.lossSum(logits, 1, 2, new float[] {0.5f}, 0));
    assertThrows(IllegalArgumentException.class, () -> SoftmaxCrossEntropy.lossSum(logits, 1, 2, new float[] {-1}, 0));
  }
}
