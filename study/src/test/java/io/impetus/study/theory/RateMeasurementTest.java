package io.impetus.study.theory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.commons.math3.complex.Complex;
import org.junit.jupiter.api.Test;

/**
 * {@code study theory --measure}: the real optimizer's rate equals the spectral radius within 1% for
 * every class of setting, converging or diverging, and where float32 cannot show a rate the result
 * says why instead of holding a number.
 */
class RateMeasurementTest {
  private static final int UPDATES = 3000;

  private static RateMeasurement.Result measure(double h, double alpha, double beta, int tau) {
    double predicted = new DelayedHeavyBall(h, alpha, beta, tau).spectralRadius();
    return RateMeasurement.measure(new double[] {h}, alpha, beta, tau, UPDATES, predicted);
  }

  private static void assertMeasuredWithinOnePercent(double h, double alpha, double beta, int tau) {
    double predicted = new DelayedHeavyBall(h, alpha, beta, tau).spectralRadius();
    RateMeasurement.Result r = measure(h, alpha, beta, tau);
    String setting = "h " + h + ", alpha " + alpha + ", beta " + beta + ", tau " + tau;
    assertTrue(r.measured(), setting + ": " + r.note());
    assertEquals(predicted, r.rate(), 0.01 * predicted, setting);
  }

  @Test
  void aSlowSettingWhoseErrorFallsTo1eMinus22IsMeasured() {
    // Rate 0.983335: the error falls to ~1e-22 in 3000 updates, and x is exactly 0 after 4 of them.
    assertEquals(0.983335, new DelayedHeavyBall(1, 0.25, 0, 5).spectralRadius(), 5e-7);
    RateMeasurement.Result r = measure(1, 0.25, 0, 5);
    assertTrue(r.measured(), r.note());
    assertEquals(0.983335, r.rate(), 0.01 * 0.983335);
    assertEquals(UPDATES, r.updates());
  }

  @Test
  void fastSettingsNearRadiusZeroPointOneAreMeasuredPastFloat32sFloor() {
    assertMeasuredWithinOnePercent(1, 0.9, 0, 0); // one real root 0.1: float32's floor after ~40 updates
    assertMeasuredWithinOnePercent(1, 1.21, 0.01, 0); // the double root -0.1: t·0.1^t bends any short fit
    assertMeasuredWithinOnePercent(10, 0.101, 0.01, 0); // the complex pair ±0.1i
  }

  @Test
  void oscillatingSettingsWithComplexRootsOfNegativeRealPartAreMeasured() {
    // z² + 0.7z + 0.5: roots −0.35 ± 0.614i, modulus √0.5.
    Complex top = new DelayedHeavyBall(1, 2.2, 0.5, 0).roots()[0];
    assertTrue(top.getReal() < 0 && top.getImaginary() != 0, top.toString());
    assertMeasuredWithinOnePercent(1, 2.2, 0.5, 0);
    assertMeasuredWithinOnePercent(4, 0.65, 0.9, 0); // z² + 0.7z + 0.9: −0.35 ± 0.882i
  }

  @Test
  void everyDelayFromOneToTwentyIsMeasuredForSlowAndFastStepsWithAndWithoutMomentum() {
    for (int tau = 1; tau <= 20; tau++) {
      for (double beta : new double[] {0, 0.5, 0.9}) {
        // Steps scaled like the β = 0 threshold, α·h/(1 − β) (the effective step of heavy ball): slow to fast.
        for (double fraction : new double[] {0.1, 0.5, 0.95}) {
          assertMeasuredWithinOnePercent(1, fraction * (1 - beta) * Stability.plainThreshold(tau), beta, tau);
        }
      }
    }
  }

  @Test
  void divergingSettingsAreMeasuredAboveOne() {
    assertMeasuredWithinOnePercent(1, 4, 0, 0); // |1 − αh| = 3: float32 overflows after 80 updates unrescaled
    assertMeasuredWithinOnePercent(1, 2.01, 0, 0); // 1.01
    for (int tau : new int[] {1, 5, 20}) {
      for (double beta : new double[] {0, 0.9}) {
        double alpha = 1.2 * Stability.maxStableAlphaH(beta, tau);
        assertTrue(new DelayedHeavyBall(1, alpha, beta, tau).spectralRadius() > 1);
        assertMeasuredWithinOnePercent(1, alpha, beta, tau);
      }
    }
  }

  @Test
  void theSlowestEigenvalueOfADiagonalQuadraticSetsTheMeasuredRate() {
    double[] h = {1, 10};
    double alpha = Stability.polyakAlpha(1, 10);
    double beta = Stability.polyakBeta(1, 10);
    for (int tau : new int[] {0, 3}) {
      double predicted = Stability.spectralRadius(h, alpha, beta, tau);
      RateMeasurement.Result r = RateMeasurement.measure(h, alpha, beta, tau, UPDATES, predicted);
      assertEquals(predicted, r.rate(), 0.01 * predicted, "tau " + tau);
    }
  }

  @Test
  void radiusZeroLandsOnTheOptimumAndSaysSo() {
    // αh = 1, β = 0, τ = 0: x − 1·x = 0 after one update.
    RateMeasurement.Result r = measure(1, 1, 0, 0);
    assertFalse(r.measured());
    assertTrue(Double.isNaN(r.rate()));
    assertEquals(1, r.updates());
    assertTrue(r.note().startsWith("not measurable: the error is exactly 0 after 1 update (spectral radius "), r.note());
  }

  @Test
  void aRadiusBelowFloat32ResolutionIsNotPassedOffAsAMeasurement() {
    // β = 1e-10, αh = 1: roots ±1e-5 i.
    RateMeasurement.Result r = measure(1, 1, 1e-10, 0);
    assertFalse(r.measured());
    assertEquals("not measurable: the spectral radius 1e-5 is below 0.001, where each update cancels the error down to "
        + "float32 rounding", r.note());
  }

  @Test
  void tooFewUpdatesForTheWindowAreRefusedByTheConfigNamingTheFlag() {
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> new TheoryConfig(new double[] {1}, 0.1, 0, 10, true, 20));
    assertEquals("--steps must be >= 24 to measure a rate with delay 10 (two windows of tau + 2 iterates), got 20", e.getMessage());
    RateMeasurement.Result r = RateMeasurement.measure(new double[] {1}, 0.1, 0, 10, 20, 0.9);
    assertEquals("not measurable: 20 updates are too few to fit over windows of 12 iterates (need at least 24)", r.note());
  }
}
