package io.impetus.staleness;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Each staleness policy on hand-computed numbers. */
class StalenessPolicyTest {
  private final UpdatePlan plan = new UpdatePlan();

  private UpdatePlan adjust(StalenessPolicy policy, long staleness, float[] grad, float[] params, float[] read,
      double meanStaleness) {
    plan.reset(0.1, 0.9);
    policy.adjust(plan, staleness, grad, params, read, meanStaleness);
    return plan;
  }

  @Test
  void noneLeavesEverythingAsItIs() {
    float[] g = {1, 2};
    UpdatePlan p = adjust(new StalenessPolicy.None(), 7, g, new float[2], null, 3);
    assertEquals(0.1, p.lr());
    assertEquals(0.9, p.momentum());
    assertFalse(p.drop());
    assertArrayEquals(new float[] {1, 2}, g);
  }

  @Test
  void lrDivideDividesTheLearningRateByTheStalenessButNeverMultipliesIt() {
    assertEquals(0.025, adjust(new LrDivide(), 4, new float[1], new float[1], null, 0).lr(), 1e-15);
    assertEquals(0.1, adjust(new LrDivide(), 1, new float[1], new float[1], null, 0).lr());
    assertEquals(0.1, adjust(new LrDivide(), 0, new float[1], new float[1], null, 0).lr());
  }

  @Test
  void dropKeepsGradientsUpToTheBoundAndDropsStalerOnes() {
    assertFalse(adjust(new DropStale(2), 2, new float[1], new float[1], null, 0).drop());
    assertTrue(adjust(new DropStale(2), 3, new float[1], new float[1], null, 0).drop());
    assertTrue(adjust(new DropStale(0), 1, new float[1], new float[1], null, 0).drop());
  }

  @Test
  void delayCompensationAddsLambdaTimesGradientSquaredTimesTheParameterDrift() {
    // g' = g + 0.5 * g^2 * (w_now - w_read) = (2 + 0.5*4*0.5, -1 + 0.5*1*(-1)) = (3, -1.5)
    float[] g = {2, -1};
    adjust(new DelayCompensation(0.5), 3, g, new float[] {1, 1}, new float[] {0.5f, 2}, 0);
    assertArrayEquals(new float[] {3f, -1.5f}, g);
  }

  @Test
  void delayCompensationLeavesFreshGradientsAlone() {
    float[] g = {2, -1};
    adjust(new DelayCompensation(0.5), 0, g, new float[] {1, 1}, new float[] {0.5f, 2}, 0);
    assertArrayEquals(new float[] {2f, -1f}, g);
    assertTrue(new DelayCompensation(0.5).needsReadParams());
  }

  @Test
  void momentumCompensationSubtractsTheImplicitMomentumOfTheMeasuredStaleness() {
    // mean staleness 3 -> M_eff = 4 -> implicit momentum 0.75 -> 0.9 - 0.75 = 0.15
    assertEquals(0.15, adjust(new MomentumCompensation(0), 2, new float[1], new float[1], null, 3).momentum(), 1e-12);
    // mean staleness 0: synchronous in effect, nothing to take out
    assertEquals(0.9, adjust(new MomentumCompensation(0), 0, new float[1], new float[1], null, 0).momentum(), 1e-12);
    // mean staleness 9 -> implicit 0.9 -> 0, floored at 0.1
    assertEquals(0.1, adjust(new MomentumCompensation(0.1), 9, new float[1], new float[1], null, 9).momentum(), 1e-12);
  }

  @Test
  void everyPolicyParsesFromItsCommandLineFormAndBack() {
    for (StalenessPolicy p : List.of(new StalenessPolicy.None(), new LrDivide(), new DropStale(4),
        new DelayCompensation(0.04), new MomentumCompensation(0), new MomentumCompensation(0.2))) {
      assertEquals(p, StalenessPolicy.parse(p.spec()));
    }
    assertEquals(new DropStale(8), StalenessPolicy.parse("drop:8"));
    assertEquals(new DelayCompensation(2.0), StalenessPolicy.parse("dc-asgd:2"));
  }

  @Test
  void malformedPoliciesAreRefusedWithAMessage() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> StalenessPolicy.parse("slow"))
        .getMessage().startsWith("unknown staleness policy 'slow'"));
    assertEquals("drop needs the largest staleness to keep, e.g. drop:4",
        assertThrows(IllegalArgumentException.class, () -> StalenessPolicy.parse("drop")).getMessage());
    assertEquals("staleness policy 'dc-asgd:x' has a malformed number",
        assertThrows(IllegalArgumentException.class, () -> StalenessPolicy.parse("dc-asgd:x")).getMessage());
    assertEquals("drop:K needs K >= 0, got -1",
        assertThrows(IllegalArgumentException.class, () -> StalenessPolicy.parse("drop:-1")).getMessage());
  }
}
