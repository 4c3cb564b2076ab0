package io.impetus.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SyntheticDataTest {

  @Test
  void sameSeedSameDataOtherSeedOtherData() {
    assertArrayEquals(SyntheticData.linear(5).inputs(), SyntheticData.linear(5).inputs());
    assertArrayEquals(SyntheticData.linear(5).targets(), SyntheticData.linear(5).targets());
    assertArrayEquals(SyntheticData.squareCurve(5).targets(), SyntheticData.squareCurve(5).targets());
    assertFalse(Arrays.equals(SyntheticData.linear(5).targets(), SyntheticData.linear(6).targets()));
    assertFalse(Arrays.equals(SyntheticData.squareCurve(5).inputs(), SyntheticData.squareCurve(6).inputs()));
  }

  @Test
  void linearDefaultsToThousandExamplesOfTenStandardNormalInputs() {
    Dataset data = SyntheticData.linear(1);
    assertEquals(1000, data.size());
    assertEquals(10, data.inputDim());
    assertEquals(1, data.targetDim());
    double sum = 0;
    double sumOfSquares = 0;
    for (float x : data.inputs()) {
      sum += x;
      sumOfSquares += x * x;
    }
    int count = data.inputs().length;
    assertEquals(0, sum / count, 0.05);
    assertEquals(1, sumOfSquares / count, 0.05);
  }

  @Test
  void linearTargetsAreAnExactLinearFunctionPlusNoiseOfStandardDeviationPointOne() {
    // Least squares on the data recovers w and b; what is left over is the noise.
    Dataset data = SyntheticData.linear(2000, 3, 9);
    double residualVariance = LeastSquares.residualVariance(data);
    assertEquals(0.01, residualVariance, 0.001);
  }

  @Test
  void squareCurveIsXSquaredPlusNoiseOnMinusOneToOne() {
    Dataset data = SyntheticData.squareCurve(1);
    assertEquals(1000, data.size());
    assertEquals(1, data.inputDim());
    double sumOfSquares = 0;
    for (int i = 0; i < data.size(); i++) {
      float x = data.inputs()[i];
      assertTrue(x >= -1f && x <= 1f, "x = " + x);
      double noise = data.targets()[i] - (double) x * x;
      sumOfSquares += noise * noise;
    }
    assertEquals(0.01, sumOfSquares / data.size(), 0.0015);
  }

  @Test
  void rejectsEmptyDataSets() {
    assertThrows(IllegalArgumentException.class, () -> SyntheticData.linear(0, 3, 1));
    assertThrows(IllegalArgumentException.class, () -> SyntheticData.linear(10, 0, 1));
    assertThrows(IllegalArgumentException.class, () -> SyntheticData.squareCurve(0, 1));
  }
}
