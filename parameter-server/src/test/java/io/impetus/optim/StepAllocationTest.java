package io.impetus.optim;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link Optimizer#step} and {@link Optimizer#stepIfFinite} allocate nothing: a shard calls it for every gradient it applies. */
class StepAllocationTest {

  static Stream<OptimizerConfig> configs() {
    return Stream.of(
        Configs.sgd(MomentumStyle.PYTORCH, 0.1, 0.0, false),
        Configs.sgd(MomentumStyle.PYTORCH, 0.1, 0.9, 0.1, false, 0.01),
        Configs.sgd(MomentumStyle.CLASSIC, 0.1, 0.9, true),
        Configs.sgd(MomentumStyle.EMA, 0.1, 0.9, true),
        Configs.adam(OptimizerKind.ADAM, 0.01, 0.01, true),
        Configs.adam(OptimizerKind.ADAMW, 0.01, 0.01, false));
  }

  @ParameterizedTest
  @MethodSource("configs")
  void stepAllocatesNothing(OptimizerConfig config) {
    Optimizer optimizer = Optimizers.create(config);
    OptimizerState state = optimizer.newState(256);
    assertNoAllocation(config, "step", (params, grad) -> optimizer.step(params, grad, state, 1e-3));
  }

  /** The checked step a shard runs: its undo is allocated on the first step, then reused. */
  @ParameterizedTest
  @MethodSource("configs")
  void stepIfFiniteAllocatesNothing(OptimizerConfig config) {
    Optimizer optimizer = Optimizers.create(config);
    OptimizerState state = optimizer.newState(256);
    UpdateUndo undo = new UpdateUndo();
    assertNoAllocation(config, "stepIfFinite", (params, grad) -> assertTrue(optimizer.stepIfFinite(params, grad, state, 1e-3, undo)));
  }

  private static void assertNoAllocation(OptimizerConfig config, String what,
      java.util.function.BiConsumer<float[], float[]> step) {
    assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean,
        "needs HotSpot's per-thread allocation counter");
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());
    float[] params = new float[256];
    float[] grad = new float[256];
    java.util.Arrays.fill(grad, 0.01f);
    for (int i = 0; i < 20_000; i++) { // let the JIT compile step
      step.accept(params, grad);
    }
    long thread = Thread.currentThread().getId();
    long before = threads.getThreadAllocatedBytes(thread);
    for (int i = 0; i < 1_000; i++) {
      step.accept(params, grad);
    }
    long allocated = threads.getThreadAllocatedBytes(thread) - before;
    // Any per-step allocation is at least 16 bytes a step, 16,000 here; the JIT may still allocate
    // a few hundred bytes once (a late recompilation), which is not the optimizer's doing.
    assertTrue(allocated < 1_000, allocated + " bytes allocated by 1000 " + what + " calls of " + config.describe());
  }
}
