package io.impetus.study.simulate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The rate of a series that decays or grows geometrically, measured over windows of its values. */
class RateFitTest {

  @Test
  void aValueThatIsExactlyZeroInsideTheSeriesDoesNotEndTheFit() {
    // 1, 0.75, 0.5, 0.25, 0, then 0.9^t: delayed steps can pass exactly through the optimum.
    double[] v = new double[400];
    double[] head = {1, 0.75, 0.5, 0.25, 0};
    for (int t = 0; t < v.length; t++) {
      v[t] = t < head.length ? head[t] : Math.pow(0.9, t);
    }
    assertEquals(0.9, RateFit.rate(v, 7), 1e-9);
  }

  @Test
  void theFitStopsWhereTheWindowNormsLeaveTheFloat32Range() {
    double[] v = new double[3000];
    for (int t = 0; t < v.length; t++) {
      v[t] = Math.max(Math.pow(0.5, t), 1e-45); // float32's floor after ~150 updates
    }
    assertEquals(0.5, RateFit.rate(v, 2), 1e-9);
  }

  @Test
  void logarithmsOfARescaledSeriesAreFittedOverTheirWholeLength() {
    double[] logs = new double[5000];
    for (int t = 0; t < logs.length; t++) {
      logs[t] = t * Math.log(0.5) + Math.log(2 + Math.cos(t)); // 0.5^t · oscillation, far below any float
    }
    assertEquals(0.5, RateFit.rateOfLogs(logs, 3), 0.5 * 1e-3);
  }

  @Test
  void aWindowOfExactZerosHasNoRate() {
    double[] logs = {0, Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY,
        Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY};
    assertTrue(Double.isNaN(RateFit.rateOfLogs(logs, 2)));
  }
}
