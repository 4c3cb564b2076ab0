package io.impetus.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The rectifier gives the same bits whichever way it is computed: every negative value and -0 become
 * +0 and NaN stays NaN; its backward passes the gradient where the output is greater than 0 and
 * gives +0 elsewhere, NaN outputs included.
 */
class ReluTest {
  private static final float NEGATIVE_NAN = Float.intBitsToFloat(0xffc00000);
  private static final float[] SPECIAL = {0f, -0f, 1f, -1f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MAX_VALUE,
      -Float.MAX_VALUE, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, NEGATIVE_NAN};

  private static float relu(float x) {
    return Float.isNaN(x) ? x : x > 0f ? x : 0f;
  }

  private static float reluBackward(float grad, float output) {
    return output > 0f ? grad : 0f;
  }

  private static float[] inputs() {
    float[] v = new float[1000 + SPECIAL.length];
    Random r = new Random(3);
    for (int i = 0; i < 1000; i++) {
      v[i] = (float) r.nextGaussian();
    }
    System.arraycopy(SPECIAL, 0, v, 1000, SPECIAL.length);
    return v;
  }

  @Test
  void bothForwardPassesGiveMaxOfTheValueAndZeroBitForBit() {
    float[] x = inputs();
    float[] byMax = x.clone();
    float[] byMasks = x.clone();
    Relu.forwardByMax(byMax, x.length);
    Relu.forwardByMasks(byMasks, x.length);
    for (int i = 0; i < x.length; i++) {
      int expected = Float.floatToIntBits(relu(x[i]));
      assertEquals(expected, Float.floatToIntBits(byMax[i]), "max(" + x[i] + ", 0)");
      assertEquals(expected, Float.floatToIntBits(byMasks[i]), "masks for " + x[i]);
      assertEquals(Float.floatToRawIntBits(byMax[i]), Float.floatToRawIntBits(byMasks[i]), "same bits for " + x[i]);
    }
  }

  @Test
  void theBackwardPassLetsTheGradientThroughExactlyWhereTheOutputIsPositive() {
    float[] outputs = inputs();
    for (float g : new float[] {2.5f, -3f, -0f, Float.NaN}) {
      float[] grad = new float[outputs.length];
      java.util.Arrays.fill(grad, g);
      Relu.backwardInPlace(grad, outputs, outputs.length);
      for (int i = 0; i < outputs.length; i++) {
        assertEquals(Float.floatToRawIntBits(reluBackward(g, outputs[i])), Float.floatToRawIntBits(grad[i]),
            "gradient " + g + " at output " + outputs[i]);
      }
    }
  }

  @Test
  void onlyTheFirstCountValuesAreTouched() {
    float[] v = {-1f, -2f, -3f};
    Relu.forwardInPlace(v, 2);
    assertEquals(-3f, v[2]);
    float[] grad = {1f, 1f, 1f};
    Relu.backwardInPlace(grad, new float[] {0f, 0f, 0f}, 2);
    assertEquals(1f, grad[2]);
  }
}
