package io.impetus.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

/** Policies that tune momentum during training step SGD with another momentum than configured. */
class SgdMomentumOverrideTest {

  @Test
  void aMomentumOverrideStepsExactlyLikeAnOptimizerConfiguredWithThatMomentum() {
    for (MomentumStyle style : MomentumStyle.values()) {
      OptimizerConfig configured = OptimizerConfig.sgd(0.1, 0.9);
      configured = new OptimizerConfig(configured.kind(), 0.1, 0.9, 0, false, style, 0, 0.9, 0.999, 1e-8, false,
          LrSchedule.constant());
      OptimizerConfig lower = configured.withMomentum(0.3);
      Sgd tuned = new Sgd(configured);
      Sgd reference = new Sgd(lower);
      float[] p1 = {1f, -2f, 3f};
      float[] p2 = p1.clone();
      OptimizerState s1 = tuned.newState(3);
      OptimizerState s2 = reference.newState(3);
      float[][] grads = {{0.5f, 1f, -1f}, {0.25f, -0.75f, 2f}, {1f, 1f, 1f}};
      for (float[] g : grads) {
        tuned.step(p1, g, s1, 0.1, 0.3);
        reference.step(p2, g, s2, 0.1);
        assertArrayEquals(p2, p1, style + ": parameters");
        assertArrayEquals(s2.buffers().get("velocity"), s1.buffers().get("velocity"), style + ": velocity");
      }
    }
  }
}
