package io.impetus.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * SGD on numbers small enough to check by hand. All values are dyadic (mu = 0.5, lr = 0.25,
 * gradients 2 then 4, p0 = 1), so float32 arithmetic is exact and the expectations are exact too.
 */
class SgdTest {

  private static final float[][] GRADS = {{2f}, {4f}};

  /** Runs the two gradients from p = 1 and returns p after each step and the final velocity. */
  private static float[][] run(OptimizerConfig config, double... lrs) {
    Sgd sgd = new Sgd(config);
    SgdState state = sgd.newState(1);
    float[] p = {1f};
    float[][] out = new float[3][];
    for (int t = 0; t < 2; t++) {
      sgd.step(p, GRADS[t], state, lrs[t]);
      out[t] = p.clone();
    }
    out[2] = state.velocity() == null ? null : state.velocity().clone();
    return out;
  }

  @Test
  void plainSgdSubtractsLrTimesGradientAndKeepsNoBuffer() {
    float[][] r = run(Configs.sgd(MomentumStyle.PYTORCH, 0.25, 0.0, false), 0.25, 0.25);
    assertArrayEquals(new float[] {0.5f}, r[0]); // 1 - 0.25*2
    assertArrayEquals(new float[] {-0.5f}, r[1]); // 0.5 - 0.25*4
    assertEquals(List.of(), List.copyOf(new Sgd(Configs.sgd(MomentumStyle.CLASSIC, 0.25, 0.0, false))
        .newState(3).buffers().keySet()));
  }

  @Test
  void weightDecayIsAddedToTheGradient() {
    Sgd sgd = new Sgd(Configs.sgd(MomentumStyle.PYTORCH, 0.25, 0.0, 0.0, false, 0.5));
    float[] p = {2f};
    sgd.step(p, new float[] {1f}, sgd.newState(1), 0.25);
    assertArrayEquals(new float[] {1.5f}, p); // d = 1 + 0.5*2 = 2; p = 2 - 0.25*2
  }

  @Test
  void pytorchMomentumStartsFromTheGradientWithoutDampening() {
    float[][] r = run(Configs.sgd(MomentumStyle.PYTORCH, 0.25, 0.5, 0.5, false, 0.0), 0.25, 0.25);
    assertArrayEquals(new float[] {0.5f}, r[0]); // v = 2 (no 1-dampening on step 1); p = 1 - 0.25*2
    assertArrayEquals(new float[] {-0.25f}, r[1]); // v = 0.5*2 + 0.5*4 = 3; p = 0.5 - 0.25*3
    assertArrayEquals(new float[] {3f}, r[2]);
  }

  @Test
  void pytorchNesterovLooksAheadWithTheUpdatedBuffer() {
    float[][] r = run(Configs.sgd(MomentumStyle.PYTORCH, 0.25, 0.5, true), 0.25, 0.25);
    assertArrayEquals(new float[] {0.25f}, r[0]); // v = 2; d = 2 + 0.5*2 = 3; p = 1 - 0.75
    assertArrayEquals(new float[] {-1.375f}, r[1]); // v = 1 + 4 = 5; d = 4 + 2.5 = 6.5; p = 0.25 - 1.625
  }

  @Test
  void classicMomentumAccumulatesLrScaledSteps() {
    float[][] r = run(Configs.sgd(MomentumStyle.CLASSIC, 0.25, 0.5, false), 0.25, 0.25);
    assertArrayEquals(new float[] {0.5f}, r[0]); // v = 0.25*2 = 0.5; p = 1 - 0.5
    assertArrayEquals(new float[] {-0.75f}, r[1]); // v = 0.5*0.5 + 0.25*4 = 1.25; p = 0.5 - 1.25
    assertArrayEquals(new float[] {1.25f}, r[2]);
  }

  @Test
  void classicNesterovSubtractsMuTimesNewVelocityPlusLrTimesGradient() {
    float[][] r = run(Configs.sgd(MomentumStyle.CLASSIC, 0.25, 0.5, true), 0.25, 0.25);
    assertArrayEquals(new float[] {0.25f}, r[0]); // v = 0.5; p = 1 - (0.25 + 0.5)
    assertArrayEquals(new float[] {-1.375f}, r[1]); // v = 1.25; p = 0.25 - (0.625 + 1)
  }

  @Test
  void emaMomentumAveragesGradientsFromZero() {
    float[][] r = run(Configs.sgd(MomentumStyle.EMA, 0.25, 0.5, false), 0.25, 0.25);
    assertArrayEquals(new float[] {0.75f}, r[0]); // v = 0.5*2 = 1; p = 1 - 0.25*1
    assertArrayEquals(new float[] {0.125f}, r[1]); // v = 0.5*1 + 0.5*4 = 2.5; p = 0.75 - 0.625
    assertArrayEquals(new float[] {2.5f}, r[2]);
  }

  @Test
  void emaNesterovBlendsTheGradientWithTheNewAverage() {
    float[][] r = run(Configs.sgd(MomentumStyle.EMA, 0.25, 0.5, true), 0.25, 0.25);
    assertArrayEquals(new float[] {0.625f}, r[0]); // v = 1; dir = 0.5*2 + 0.5*1 = 1.5; p = 1 - 0.375
    assertArrayEquals(new float[] {-0.1875f}, r[1]); // v = 2.5; dir = 2 + 1.25 = 3.25; p = 0.625 - 0.8125
  }

  @Test
  void anLrChangeSeparatesClassicFromPytorchButNotFromEma() {
    // lr 0.5 then 0.25 (a step schedule halving every update); EMA gets lr / (1 - mu) = 1 then 0.5.
    float[][] pytorch = run(Configs.sgd(MomentumStyle.PYTORCH, 0.5, 0.5, false), 0.5, 0.25);
    float[][] classic = run(Configs.sgd(MomentumStyle.CLASSIC, 0.5, 0.5, false), 0.5, 0.25);
    float[][] ema = run(Configs.sgd(MomentumStyle.EMA, 1.0, 0.5, false), 1.0, 0.5);
    assertArrayEquals(new float[] {-1.25f}, pytorch[1]); // v = 2, 5; p = 1 - 0.5*2 - 0.25*5
    assertArrayEquals(new float[] {-1.5f}, classic[1]); // v = 1, 0.5 + 0.25*4 = 1.5; p = 1 - 1 - 1.5
    assertArrayEquals(new float[] {-1.25f}, ema[1]); // v = 1, 2.5; p = 1 - 1*1 - 0.5*2.5
  }

  @Test
  void stepNeverWritesTheGradientAndCountsSteps() {
    for (MomentumStyle style : MomentumStyle.values()) {
      Sgd sgd = new Sgd(Configs.sgd(style, 0.1, 0.9, 0.0, true, 0.01));
      SgdState state = sgd.newState(3);
      float[] grad = {1f, -2f, 3f};
      sgd.step(new float[] {0.5f, 0.5f, 0.5f}, grad, state, 0.1);
      sgd.step(new float[] {0.5f, 0.5f, 0.5f}, grad, state, 0.1);
      assertArrayEquals(new float[] {1f, -2f, 3f}, grad, style.cliName());
      assertEquals(2, state.steps());
      assertEquals(List.of(SgdState.VELOCITY), List.copyOf(state.buffers().keySet()));
    }
  }

  @Test
  void rejectsMismatchedLengthsAndForeignState() {
    Sgd sgd = new Sgd(Configs.sgd(MomentumStyle.PYTORCH, 0.1, 0.9, false));
    IllegalArgumentException lengths = assertThrows(IllegalArgumentException.class,
        () -> sgd.step(new float[3], new float[2], sgd.newState(3), 0.1));
    assertTrue(lengths.getMessage().contains("params has 3 values but grad has 2"), lengths.getMessage());
    IllegalArgumentException buffer = assertThrows(IllegalArgumentException.class,
        () -> sgd.step(new float[3], new float[3], sgd.newState(4), 0.1));
    assertTrue(buffer.getMessage().contains("velocity"), buffer.getMessage());
    IllegalArgumentException foreign = assertThrows(IllegalArgumentException.class,
        () -> sgd.step(new float[3], new float[3], AdamState.zeros(3, false), 0.1));
    assertTrue(foreign.getMessage().contains("SgdState"), foreign.getMessage());
    IllegalArgumentException noBuffer = assertThrows(IllegalArgumentException.class,
        () -> sgd.step(new float[3], new float[3], SgdState.zeros(3, false), 0.1));
    assertTrue(noBuffer.getMessage().contains("velocity"), noBuffer.getMessage());
  }

  @Test
  void refusesConfigsOfAnotherKind() {
    assertThrows(IllegalArgumentException.class, () -> new Sgd(OptimizerConfig.defaults(OptimizerKind.ADAM, 0.1)));
  }
}
