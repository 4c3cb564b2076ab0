package io.impetus.optim;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The three momentum conventions of {@link MomentumStyle}, run side by side on the same random
 * gradients. For a constant lr they are one algorithm with differently scaled buffers:
 * {@code v_classic = lr * v_pytorch}, and EMA at lr/(1-mu) has {@code v_ema = (1-mu) * v_pytorch}.
 * When lr changes, CLASSIC keeps the old lr inside its buffer and parts ways; PYTORCH and EMA apply
 * lr at use time and stay together.
 */
class MomentumStylesTest {

  private static final int N = 64;
  private static final int STEPS = 100;
  private static final double MU = 0.9;
  private static final double LR = 0.05;

  /** A run of one style; {@code lr[t]} is the lr of step t. */
  private static final class Run {
    final float[] params = new float[N];
    final SgdState state;
    private final Sgd sgd;

    Run(MomentumStyle style, boolean nesterov, double baseLr) {
      sgd = new Sgd(Configs.sgd(style, baseLr, MU, nesterov));
      state = sgd.newState(N);
      Random init = new Random(7);
      for (int i = 0; i < N; i++) {
        params[i] = (float) init.nextGaussian();
      }
    }

    Run go(double[] lr, float[][] grads) {
      for (int t = 0; t < STEPS; t++) {
        sgd.step(params, grads[t], state, lr[t]);
      }
      return this;
    }
  }

  private static float[][] gradients() {
    Random random = new Random(42);
    float[][] grads = new float[STEPS][N];
    for (float[] g : grads) {
      for (int i = 0; i < N; i++) {
        g[i] = (float) (random.nextGaussian() + 0.3);
      }
    }
    return grads;
  }

  private static double[] lrs(double first, double afterHalf) {
    double[] lr = new double[STEPS];
    for (int t = 0; t < STEPS; t++) {
      lr[t] = t < STEPS / 2 ? first : afterHalf;
    }
    return lr;
  }

  /** Largest |a - scale*b| relative to 1 + |a|: float rounding only leaves ~1e-6. */
  private static double gap(float[] a, float[] b, double scale) {
    double worst = 0;
    for (int i = 0; i < a.length; i++) {
      worst = Math.max(worst, Math.abs(a[i] - scale * b[i]) / (1 + Math.abs(a[i])));
    }
    return worst;
  }

  @ParameterizedTest(name = "nesterov={0}")
  @ValueSource(booleans = {false, true})
  void forAConstantLrTheStylesAgreeUpToBufferScaling(boolean nesterov) {
    float[][] grads = gradients();
    Run pytorch = new Run(MomentumStyle.PYTORCH, nesterov, LR).go(lrs(LR, LR), grads);
    Run classic = new Run(MomentumStyle.CLASSIC, nesterov, LR).go(lrs(LR, LR), grads);
    double emaLr = LR / (1 - MU);
    Run ema = new Run(MomentumStyle.EMA, nesterov, emaLr).go(lrs(emaLr, emaLr), grads);

    assertTrue(gap(classic.params, pytorch.params, 1) < 1e-5, "classic params");
    assertTrue(gap(classic.state.velocity(), pytorch.state.velocity(), LR) < 1e-5, "v_classic = lr * v_pytorch");
    assertTrue(gap(ema.params, pytorch.params, 1) < 1e-5, "ema params");
    assertTrue(gap(ema.state.velocity(), pytorch.state.velocity(), 1 - MU) < 1e-5, "v_ema = (1-mu) * v_pytorch");
  }

  @ParameterizedTest(name = "nesterov={0}")
  @ValueSource(booleans = {false, true})
  void afterAnLrChangeClassicDiffersWhilePytorchAndEmaStayTogether(boolean nesterov) {
    float[][] grads = gradients();
    Run pytorch = new Run(MomentumStyle.PYTORCH, nesterov, LR).go(lrs(LR, LR / 2), grads);
    Run classic = new Run(MomentumStyle.CLASSIC, nesterov, LR).go(lrs(LR, LR / 2), grads);
    double emaLr = LR / (1 - MU);
    Run ema = new Run(MomentumStyle.EMA, nesterov, emaLr).go(lrs(emaLr, emaLr / 2), grads);

    assertTrue(gap(ema.params, pytorch.params, 1) < 1e-5, "ema params");
    // CLASSIC's buffer still holds steps taken at the old lr right after the change: it overshoots.
    double classicGap = gap(classic.params, pytorch.params, 1);
    assertTrue(classicGap > 1e-3, "classic should differ after the lr change, gap " + classicGap);
  }
}
