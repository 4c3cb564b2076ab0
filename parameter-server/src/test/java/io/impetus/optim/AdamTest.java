package io.impetus.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Adam and AdamW on cases whose outcome follows from the update rule alone (the golden traces pin the rest). */
class AdamTest {

  @Test
  void theFirstStepMovesEachParameterByLrAgainstTheGradientsSign() {
    // With bias correction, m^/sqrt(v^) = g/|g| on step 1, so |step| = lr up to eps.
    Adam adam = new Adam(Configs.adam(OptimizerKind.ADAM, 0.01, 0.0, false));
    float[] p = {1f, 1f, 1f};
    adam.step(p, new float[] {3f, -0.5f, 1e-3f}, adam.newState(3), 0.01);
    assertArrayEquals(new float[] {0.99f, 1.01f, 0.99f}, p, 1e-6f);
  }

  @Test
  void adamwDecaysTheParameterFirstAndApartFromTheGradient() {
    // Zero gradient: the moments stay 0, so AdamW only applies p *= 1 - lr*wd ...
    Adam adamw = new Adam(Configs.adam(OptimizerKind.ADAMW, 0.1, 0.5, false));
    float[] p = {2f};
    adamw.step(p, new float[] {0f}, adamw.newState(1), 0.1);
    assertArrayEquals(new float[] {2f * (float) (1 - 0.1 * 0.5)}, p);
    // ... while Adam turns the decay into a gradient wd*p, which Adam normalizes into a full lr step.
    Adam adam = new Adam(Configs.adam(OptimizerKind.ADAM, 0.1, 0.5, false));
    float[] q = {2f};
    adam.step(q, new float[] {0f}, adam.newState(1), 0.1);
    assertArrayEquals(new float[] {1.9f}, q, 1e-6f);
  }

  @Test
  void amsgradKeepsTheLargestSecondMoment() {
    Adam adam = new Adam(Configs.adam(OptimizerKind.ADAM, 0.01, 0.0, true));
    AdamState state = adam.newState(1);
    float[] p = {0f};
    adam.step(p, new float[] {10f}, state, 0.01);
    float peak = state.expAvgSq()[0];
    for (int t = 0; t < 5; t++) {
      adam.step(p, new float[] {0.1f}, state, 0.01);
    }
    assertTrue(state.expAvgSq()[0] < peak, "the second moment decays");
    assertEquals(peak, state.maxExpAvgSq()[0], "AMSGrad remembers its peak");
  }

  @Test
  void stateUsesPytorchsBufferNamesAndCountsSteps() {
    Adam plain = new Adam(Configs.adam(OptimizerKind.ADAM, 0.01, 0.0, false));
    Adam amsgrad = new Adam(Configs.adam(OptimizerKind.ADAMW, 0.01, 0.01, true));
    assertEquals(List.of("exp_avg", "exp_avg_sq"), List.copyOf(plain.newState(2).buffers().keySet()));
    AdamState state = amsgrad.newState(2);
    assertEquals(List.of("exp_avg", "exp_avg_sq", "max_exp_avg_sq"), List.copyOf(state.buffers().keySet()));
    float[] grad = {1f, -1f};
    amsgrad.step(new float[2], grad, state, 0.01);
    assertEquals(1, state.steps());
    assertArrayEquals(new float[] {1f, -1f}, grad, "step never writes the gradient");
  }

  @Test
  void rejectsAStateWithoutTheAmsgradBuffer() {
    Adam amsgrad = new Adam(Configs.adam(OptimizerKind.ADAM, 0.01, 0.0, true));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> amsgrad.step(new float[2], new float[2], AdamState.zeros(2, false), 0.01));
    assertTrue(e.getMessage().contains("max_exp_avg_sq"), e.getMessage());
  }

  @Test
  void theFactoryPicksTheClassByKind() {
    assertTrue(Optimizers.create(OptimizerConfig.sgd(0.1, 0.9)) instanceof Sgd);
    assertTrue(Optimizers.create(OptimizerConfig.defaults(OptimizerKind.ADAM, 0.1)) instanceof Adam);
    Optimizer adamw = Optimizers.create(OptimizerConfig.defaults(OptimizerKind.ADAMW, 0.1));
    assertTrue(adamw instanceof Adam);
    assertEquals(0.01, adamw.config().weightDecay());
  }
}
