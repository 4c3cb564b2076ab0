package io.impetus.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import org.junit.jupiter.api.Test;

/** A replay reports differences from the trace precisely, so a broken optimizer or trace cannot pass. */
class ReplayResultTest {

  private static GoldenTrace withExpected(GoldenTrace trace, float[][] paramsAfterStep) {
    return new GoldenTrace(trace.file(), trace.name(), trace.optimizer(), trace.hyperparameters(),
        trace.lrSchedule(), trace.lrPerStep(), trace.n(), trace.steps(), trace.initParams(), trace.grads(),
        paramsAfterStep);
  }

  private static float[][] copy(float[][] rows) {
    float[][] out = new float[rows.length][];
    for (int t = 0; t < rows.length; t++) {
      out[t] = rows[t].clone();
    }
    return out;
  }

  @Test
  void aCorruptedExpectationIsReportedAndFailsTolerance() throws IOException {
    GoldenTrace trace = GoldenTrace.read(GoldenTraces.file("sgd_momentum_n7.json"));
    float[][] corrupted = copy(trace.paramsAfterStep());
    corrupted[10][3] += 1e-3f;
    ReplayResult result = TraceReplay.replay(withExpected(trace, corrupted));
    assertEquals(1, result.differingValues());
    assertTrue(result.maxUlp() > 0);
    assertEquals(11, result.firstDifferingStep());
    assertEquals(1e-3, result.maxAbsError(), 1e-6);
    assertFalse(result.withinTolerance(), result::summary);
    assertTrue(result.summary().contains("OUT OF TOLERANCE"), result.summary());
  }

  @Test
  void aCorruptedGradientSpoilsEveryLaterStep() throws IOException {
    GoldenTrace trace = GoldenTrace.read(GoldenTraces.file("adam_default_n7.json"));
    float[][] grads = copy(trace.grads());
    grads[19][0] = -grads[19][0];
    GoldenTrace corrupted = new GoldenTrace(trace.file(), trace.name(), trace.optimizer(), trace.hyperparameters(),
        trace.lrSchedule(), trace.lrPerStep(), trace.n(), trace.steps(), trace.initParams(), grads,
        trace.paramsAfterStep());
    ReplayResult result = TraceReplay.replay(corrupted);
    assertEquals(20, result.firstDifferingStep());
    assertTrue(result.differingValues() >= 31, "value 0 of steps 20..50, got " + result.differingValues());
    assertTrue(result.maxUlp() > 0);
    assertFalse(result.withinTolerance());
  }

  @Test
  void aOneUlpDifferenceIsNotBitExactButWithinTolerance() throws IOException {
    GoldenTrace trace = GoldenTrace.read(GoldenTraces.file("adamw_wd_n7.json"));
    float[][] nudged = copy(trace.paramsAfterStep());
    nudged[49][6] = Math.nextUp(nudged[49][6]);
    ReplayResult result = TraceReplay.replay(withExpected(trace, nudged));
    assertEquals(1, result.maxUlp());
    assertFalse(result.bitExact());
    assertTrue(result.withinTolerance());
    assertFalse(result.withinTolerance(0, 0), "zero tolerance demands equal values");
  }

  @Test
  void ulpDistanceCountsRepresentableFloatsBetweenTheValues() {
    assertEquals(0, ReplayResult.ulpDistance(1f, 1f));
    assertEquals(1, ReplayResult.ulpDistance(1f, Math.nextUp(1f)));
    assertEquals(1, ReplayResult.ulpDistance(0f, -0f)); // bit-exactness tells the zeros apart
    assertEquals(3, ReplayResult.ulpDistance(-Float.MIN_VALUE, Float.MIN_VALUE)); // -min, -0, +0, +min
    assertEquals(2L * Float.floatToIntBits(1f) + 1, ReplayResult.ulpDistance(-1f, 1f));
  }

  @Test
  void toleranceIsAtolPlusRtolTimesTheExpectedMagnitude() {
    float[][] expected = {{100f, 0f}};
    ReplayResult close = ReplayResult.compare("t", "f", new float[][] {{100.001f, 0.00001f}}, expected);
    assertTrue(close.withinTolerance()); // 0.001 <= 1e-5 + 1e-5*100; 1e-5 <= 1e-5
    ReplayResult far = ReplayResult.compare("t", "f", new float[][] {{100.01f, 0f}}, expected);
    assertFalse(far.withinTolerance());
    ReplayResult nan = ReplayResult.compare("t", "f", new float[][] {{Float.NaN, 0f}}, expected);
    assertFalse(nan.withinTolerance(1, 1), "NaN is never close");
  }
}
