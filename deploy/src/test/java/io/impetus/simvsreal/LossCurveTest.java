package io.impetus.simvsreal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LossCurveTest {

  @Test
  void windowMeansAverageEqualWindowsAndLeaveTheRemainderOut() {
    double[] losses = {1, 3, 2, 2, 5, 7, 100};
    assertArrayEquals(new double[] {2, 2, 6}, LossCurve.windowMeans(losses, 7, 3), 1e-12);
    assertArrayEquals(new double[] {2, 4, 6}, LossCurve.checkpoints(7, 3), 0);
  }

  @Test
  void aWindowThatARunStoppedBeforeOrThatHoldsANonFiniteLossIsInfinite() {
    double[] stopped = {1, 1, 2};
    assertArrayEquals(new double[] {1, Double.POSITIVE_INFINITY}, LossCurve.windowMeans(stopped, 4, 2), 0);
    double[] nan = {1, Double.NaN, 2, 2};
    assertArrayEquals(new double[] {Double.POSITIVE_INFINITY, 2}, LossCurve.windowMeans(nan, 4, 2), 0);
  }

  @Test
  void aRunDivergedWhenItEndsAboveItsInitialLossOrWithoutAFiniteOne() {
    assertEquals(false, LossCurve.diverged(0.01, 0.5));
    assertEquals(true, LossCurve.diverged(2e30, 0.5));
    assertEquals(true, LossCurve.diverged(Double.NaN, 0.5));
    assertEquals(true, LossCurve.diverged(Double.POSITIVE_INFINITY, 0.5));
    assertEquals(Double.POSITIVE_INFINITY, LossCurve.judged(2e30, true));
    assertEquals(0.01, LossCurve.judged(0.01, false));
  }

  @Test
  void theLogGapIsTheDecadesBetweenTwoLossesAndZeroWhenBothDiverged() {
    assertEquals(1.0, LossCurve.logGap(0.01, 0.1), 1e-12);
    assertEquals(Math.log10(2), LossCurve.logGap(4, 2), 1e-12);
    assertEquals(0, LossCurve.logGap(Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY));
    assertEquals(Double.POSITIVE_INFINITY, LossCurve.logGap(0.1, Double.POSITIVE_INFINITY));
    assertEquals(Double.POSITIVE_INFINITY, LossCurve.logGap(0, 0.1));
    assertEquals(1.0, LossCurve.maxLogGap(new double[] {1, 10}, new double[] {2, 1}), 1e-12);
  }
}
