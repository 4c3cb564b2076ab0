package io.impetus.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Optimizer#stepIfFinite}: an update that would leave a NaN or an infinity in the parameters
 * or the optimizer state is refused and leaves both bit-identical, step count included, even when
 * the offending value comes after values the pass already wrote; a finite update is exactly
 * {@link Optimizer#step}.
 */
class NonFiniteUpdateTest {
  private static final int N = 8;

  static Stream<OptimizerConfig> configs() {
    return StepAllocationTest.configs();
  }

  /** A slice that has seen three ordinary updates, so every state buffer holds non-zero values. */
  private static float[] warmUp(Optimizer optimizer, OptimizerState state) {
    Random random = new Random(7);
    float[] params = new float[N];
    for (int i = 0; i < N; i++) {
      params[i] = (float) random.nextGaussian();
    }
    for (int t = 0; t < 3; t++) {
      float[] grad = new float[N];
      for (int i = 0; i < N; i++) {
        grad[i] = (float) random.nextGaussian();
      }
      optimizer.step(params, grad, state, 0.1);
    }
    return params;
  }

  private static int[] bits(float[] values) {
    int[] out = new int[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = Float.floatToRawIntBits(values[i]);
    }
    return out;
  }

  private static Map<String, int[]> bits(OptimizerState state) {
    Map<String, int[]> out = new LinkedHashMap<>();
    state.buffers().forEach((name, buffer) -> out.put(name, bits(buffer)));
    return out;
  }

  private static void assertSameBits(Map<String, int[]> expected, Map<String, int[]> actual) {
    assertEquals(expected.keySet(), actual.keySet());
    expected.forEach((name, b) -> assertArrayEquals(b, actual.get(name), name));
  }

  /**
   * A gradient of 1e38 in the middle of the slice: with lr 100 it takes SGD's parameter past the float
   * range, and Adam squares it past the range in its second moment. The values before it were written
   * by then and must come back.
   */
  @ParameterizedTest
  @MethodSource("configs")
  void aHugeFiniteGradientIsRefusedAndLeavesParametersAndStateBitIdentical(OptimizerConfig config) {
    Optimizer optimizer = Optimizers.create(config);
    OptimizerState state = optimizer.newState(N);
    float[] params = warmUp(optimizer, state);
    int[] paramsBefore = bits(params);
    Map<String, int[]> stateBefore = bits(state);
    long stepsBefore = state.steps();

    float[] grad = new float[N];
    Arrays.fill(grad, 0.5f);
    grad[N / 2] = 1e38f;
    assertFalse(optimizer.stepIfFinite(params, grad, state, 100.0, new UpdateUndo()));

    assertArrayEquals(paramsBefore, bits(params), "parameters");
    assertSameBits(stateBefore, bits(state));
    assertEquals(stepsBefore, state.steps(), "the step count (Adam's bias correction) does not move");
  }

  /** After a refusal, the next update is the one the slice would have seen had the refused one never come. */
  @Test
  void adamAfterARefusalContinuesAsIfTheRefusedGradientNeverCame() {
    Optimizer adam = Optimizers.create(Configs.adam(OptimizerKind.ADAM, 0.01, 0.0, true));
    OptimizerState refusedOnce = adam.newState(N);
    OptimizerState reference = adam.newState(N);
    float[] params = warmUp(adam, refusedOnce);
    float[] expected = warmUp(adam, reference);
    UpdateUndo undo = new UpdateUndo();

    float[] huge = new float[N];
    Arrays.fill(huge, 1e38f);
    assertFalse(adam.stepIfFinite(params, huge, refusedOnce, 0.01, undo));
    float[] grad = new float[N];
    Arrays.fill(grad, 0.25f);
    assertTrue(adam.stepIfFinite(params, grad.clone(), refusedOnce, 0.01, undo));
    adam.step(expected, grad.clone(), reference, 0.01);

    assertArrayEquals(bits(expected), bits(params));
    assertSameBits(bits(reference), bits(refusedOnce));
    assertEquals(4, refusedOnce.steps());
  }

  /** The checked step is the same arithmetic as the unchecked one, bit for bit, when all is finite. */
  @ParameterizedTest
  @MethodSource("configs")
  void aFiniteCheckedStepEqualsThePlainStep(OptimizerConfig config) {
    Optimizer optimizer = Optimizers.create(config);
    OptimizerState plain = optimizer.newState(N);
    OptimizerState checked = optimizer.newState(N);
    float[] p = warmUp(optimizer, plain);
    float[] q = warmUp(optimizer, checked);
    float[] grad = new float[N];
    Arrays.fill(grad, -0.75f);
    optimizer.step(p, grad, plain, 0.05);
    assertTrue(optimizer.stepIfFinite(q, grad, checked, 0.05, new UpdateUndo()));
    assertArrayEquals(bits(p), bits(q));
    assertSameBits(bits(plain), bits(checked));
    assertEquals(plain.steps(), checked.steps());
  }
}
