package io.impetus.simvsreal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StalenessPatternTest {

  @Test
  void aSlowWorkerShowsAsASpreadOfPerWorkerMeansAndBurstsAsAutocorrelation() {
    // Worker 1 lags: its updates are 3 stale, worker 0's fresh; they come in bursts of two.
    int[] staleness = {0, 0, 3, 3, 0, 0, 3, 3};
    int[] worker = {0, 0, 1, 1, 0, 0, 1, 1};
    StalenessPattern p = StalenessPattern.of(staleness, worker);
    assertEquals(1.5, p.mean(), 1e-12);
    assertEquals(3, p.max());
    assertEquals(2.0 / 8, p.maxAt(), 1e-12);
    assertEquals(0, p.workerMin(), 1e-12);
    assertEquals(3, p.workerMax(), 1e-12);
    // Deviations ±1.5 alternating in pairs: lag-1 products +,-,+,-,+,-,+ over 8 squares: 1/8.
    assertEquals(1.0 / 8, p.lag1(), 1e-12);
  }

  @Test
  void alternatingStalenessIsNegativelyCorrelatedAndAConstantOneIsNot() {
    assertTrue(StalenessPattern.of(new int[] {0, 2, 0, 2, 0, 2}, null).lag1() < -0.8);
    StalenessPattern constant = StalenessPattern.of(new int[] {1, 1, 1}, null);
    assertEquals(0, constant.lag1());
    assertTrue(Double.isNaN(constant.workerMin()));
  }
}
