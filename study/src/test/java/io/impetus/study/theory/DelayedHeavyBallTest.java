package io.impetus.study.theory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The characteristic polynomial of delayed heavy ball, its roots, and the known stability facts. */
class DelayedHeavyBallTest {

  @Test
  void polyaksOptimumForKappa10HasTheKnownStepMomentumAndRate() {
    double alpha = Stability.polyakAlpha(1, 10);
    double beta = Stability.polyakBeta(1, 10);
    assertEquals(0.2309, alpha, 5e-5);
    assertEquals(0.2699, beta, 5e-5);
    double rate = Stability.spectralRadius(new double[] {1, 10}, alpha, beta, 0);
    assertEquals(0.5195, rate, 5e-5);
    assertEquals(Math.sqrt(beta), rate, 1e-6, "at the optimum every mode has rate sqrt(beta)");
  }

  @Test
  void tauZeroIsTheQuadraticZSquaredMinusOnePlusBetaMinusAlphaHZPlusBeta() {
    DelayedHeavyBall m = new DelayedHeavyBall(2, 0.1, 0.5, 0);
    assertArrayEquals(new double[] {0.5, -(1.5 - 0.2), 1}, m.coefficients(), 1e-15);
    assertArrayEquals(new double[] {1.3, -0.5}, m.companionMatrix()[0], 1e-15);
  }

  @Test
  void tauTwoHasCoefficientsOfZCubedMinusOnePlusBetaZSquaredPlusBetaZPlusAlphaH() {
    DelayedHeavyBall m = new DelayedHeavyBall(1, 0.1, 0.9, 2);
    assertArrayEquals(new double[] {0.1, 0.9, -1.9, 1}, m.coefficients(), 1e-15);
    assertEquals("z^3 - 1.9 z^2 + 0.9 z + 0.1", m.polynomialText());
  }

  @Test
  void withoutMomentumAndNoDelayTheRateIsOneMinusAlphaH() {
    assertEquals(0.7, new DelayedHeavyBall(3, 0.1, 0, 0).spectralRadius(), 1e-12);
    assertEquals(1.5, new DelayedHeavyBall(1, 2.5, 0, 0).spectralRadius(), 1e-12);
  }

  @Test
  void tauOneWithoutMomentumIsStableExactlyForAlphaHBelowOne() {
    assertTrue(new DelayedHeavyBall(1, 0.999, 0, 1).converges());
    assertFalse(new DelayedHeavyBall(1, 1.001, 0, 1).converges());
    assertEquals(1.0, Stability.maxStableAlphaH(0, 1), 1e-9);
  }

  @Test
  void withoutMomentumTheThresholdIsTwoSinPiOverTwoTimesTwoTauPlusOne() {
    for (int tau = 0; tau <= 10; tau++) {
      assertEquals(Stability.plainThreshold(tau), Stability.maxStableAlphaH(0, tau), 1e-9, "tau " + tau);
    }
  }

  @Test
  void withoutDelayTheThresholdIsTwoTimesOnePlusBeta() {
    for (double beta : new double[] {0, 0.5, 0.9}) {
      assertEquals(2 * (1 + beta), Stability.maxStableAlphaH(beta, 0), 1e-9);
    }
  }

  @Test
  void theLargestStableAlphaIsSetByTheLargestCurvature() {
    assertEquals(Stability.maxStableAlphaH(0.5, 3) / 10, Stability.maxStableAlpha(new double[] {1, 10}, 0.5, 3), 1e-15);
  }
}
