package io.impetus.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@link LrSchedule#lrAt} on hand-computed values; {@code step} counts earlier updates (0-based). */
class LrScheduleTest {

  private static final double EXACT = 0;
  private static final double CLOSE = 1e-12;

  @Test
  void constantIgnoresTheStep() {
    LrSchedule constant = LrSchedule.constant();
    assertEquals(0.1, constant.lrAt(0.1, 0), EXACT);
    assertEquals(0.1, constant.lrAt(0.1, 1_000_000), EXACT);
  }

  @Test
  void stepDecaysByGammaEveryStepEveryUpdates() {
    LrSchedule step = LrSchedule.step(10, 0.5);
    assertEquals(1.0, step.lrAt(1.0, 0), EXACT);
    assertEquals(1.0, step.lrAt(1.0, 9), EXACT);
    assertEquals(0.5, step.lrAt(1.0, 10), EXACT);
    assertEquals(0.25, step.lrAt(1.0, 25), EXACT);
  }

  @Test
  void cosineWarmsUpLinearlyThenDecaysToMinLr() {
    LrSchedule cosine = LrSchedule.cosine(4, 12, 0.1);
    assertEquals(0.25, cosine.lrAt(1.0, 0), EXACT); // lr/warmup on the first update
    assertEquals(0.5, cosine.lrAt(1.0, 1), EXACT);
    assertEquals(1.0, cosine.lrAt(1.0, 3), EXACT); // full lr at the end of the warmup
    assertEquals(1.0, cosine.lrAt(1.0, 4), EXACT); // decay starts at progress 0
    assertEquals(0.55, cosine.lrAt(1.0, 8), CLOSE); // halfway: 0.1 + 0.45 * (1 + cos(pi/2))
    assertEquals(0.1, cosine.lrAt(1.0, 12), EXACT);
    assertEquals(0.1, cosine.lrAt(1.0, 1_000), EXACT); // stays at minLr afterwards
  }

  @Test
  void cosineWithoutWarmupStartsAtTheBaseLr() {
    LrSchedule cosine = LrSchedule.cosine(0, 4, 0.0);
    assertEquals(1.0, cosine.lrAt(1.0, 0), EXACT);
    assertEquals(0.5, cosine.lrAt(1.0, 2), CLOSE);
  }

  @Test
  void halvingAfter25UpdatesIsTheGoldenTracesSchedule() {
    // sgd_momentum_lr_halved / adam_lr_halved: steps 1..25 use lr, 26..50 lr/2.
    LrSchedule halve = LrSchedule.step(25, 0.5);
    assertEquals(0.1, halve.lrAt(0.1, 24), EXACT);
    assertEquals(0.05, halve.lrAt(0.1, 25), EXACT);
  }

  @Test
  void invalidParametersNameTheirFlag() {
    assertMessageNames("--lr-step-every", () -> LrSchedule.step(0, 0.5));
    assertMessageNames("--lr-gamma", () -> LrSchedule.step(10, 0));
    assertMessageNames("--lr-total-steps", () -> LrSchedule.cosine(0, 0, 0.0));
    assertMessageNames("--lr-warmup-steps", () -> LrSchedule.cosine(20, 10, 0.0));
    assertMessageNames("expected constant, step or cosine", () -> LrSchedule.Kind.parse("linear"));
  }

  @Test
  void describesItselfForLogs() {
    assertEquals("constant", LrSchedule.constant().describe());
    assertEquals("step(every=100, gamma=0.5)", LrSchedule.step(100, 0.5).describe());
    assertEquals("cosine(warmup=10, total=1000, min_lr=0.0)", LrSchedule.cosine(10, 1000, 0.0).describe());
  }

  private static void assertMessageNames(String flag, Runnable action) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, action::run);
    assertTrue(e.getMessage().contains(flag), () -> "'" + e.getMessage() + "' should name " + flag);
  }
}
