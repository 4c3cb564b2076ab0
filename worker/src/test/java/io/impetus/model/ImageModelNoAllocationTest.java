package io.impetus.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.impetus.data.Batch;
import io.impetus.data.Batcher;
import io.impetus.data.Dataset;
import io.impetus.data.Partition;
import java.lang.management.ManagementFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The full-size image classifiers allocate nothing per step once their buffers are sized: after a
 * warm-up, training steps (batch, gradient, loss) and evaluations allocate less than one byte per
 * step, apart from the one small {@link Evaluation} record each evaluation returns. A smaller batch
 * after a larger one reuses the larger buffers.
 *
 * <p>Measured with native BLAS only: netlib's pure-Java sgemm (VectorBLAS, Java11BLAS) allocates
 * packing buffers inside every call (about 220 KB for a 64×128×256 product), which this test
 * cannot tell from our own allocations. Without a system {@code libblas.so.3} (Debian:
 * {@code apt-get install libopenblas0}) the test is skipped and says so.
 */
class ImageModelNoAllocationTest {
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  /** 300 random 28×28 "images" with labels 0..9: enough for batches and for a partial evaluation chunk. */
  private static Dataset images() {
    Batch batch = ClassifierGradientTest.randomBatch(300, 784, 10, 11);
    return new Dataset("random-images", 300, 784, 1, batch.inputs(), batch.targets());
  }

  @Test
  void trainingStepsAndEvaluationAllocateNothingOnceWarm() {
    assumeTrue(Gemm.implementation().endsWith("JNIBLAS"),
        "native BLAS not loaded (" + Gemm.implementation() + " allocates inside sgemm): install libopenblas0");
    Dataset data = images();
    Dataset test = new Dataset("test", 100, 784, 1, java.util.Arrays.copyOf(data.inputs(), 100 * 784),
        java.util.Arrays.copyOf(data.targets(), 100));
    List<Classifier> models = List.of(Mlp.softmaxRegression(784, 10), new Mlp(784, Mlp.DEFAULT_HIDDEN, 10), new Cnn());
    for (Classifier model : models) {
      // The CNN is ~50× the work per example: fewer steps keep the test quick.
      int steps = model instanceof Cnn ? 5 : 100;
      int p = (int) model.layout().numParams();
      float[] params = new float[p];
      float[] grad = new float[p];
      model.initialize(params, 1);
      // Batch 32 over a partition of 100: every epoch ends with a smaller batch of 4.
      Batcher batcher = new Batcher(data, Partition.of(300, 1, 3), 32, 9);
      Batch batch = batcher.newBatch();
      runSteps(model, batcher, batch, params, grad, steps); // warm up: buffers, class loading, JIT
      model.evaluate(params, test);
      // The least of three rounds: a per-step allocation shows in every round, while a one-off
      // event of the JVM's own (a deoptimization, a lazily loaded class) must not fail the test.
      long allocated = Long.MAX_VALUE;
      for (int round = 0; round < 3; round++) {
        long before = THREADS.getCurrentThreadAllocatedBytes();
        double sink = runSteps(model, batcher, batch, params, grad, steps);
        allocated = Math.min(allocated, THREADS.getCurrentThreadAllocatedBytes() - before);
        assertTrue(Double.isFinite(sink));
      }
      assertTrue(allocated < steps, model.name() + " allocated " + allocated + " bytes in " + steps + " steps");

      allocated = Long.MAX_VALUE;
      for (int round = 0; round < 3; round++) {
        long before = THREADS.getCurrentThreadAllocatedBytes();
        Evaluation evaluation = model.evaluate(params, test);
        allocated = Math.min(allocated, THREADS.getCurrentThreadAllocatedBytes() - before);
        assertEquals(100, evaluation.examples());
      }
      assertTrue(allocated <= 64, model.name() + " evaluation allocated " + allocated + " bytes");
    }
  }

  private static double runSteps(Model model, Batcher batcher, Batch batch, float[] params, float[] grad, int steps) {
    double sum = 0;
    for (int i = 0; i < steps; i++) {
      batcher.nextAcrossEpochs(batch);
      sum += model.lossAndGradient(params, batch, grad) + model.loss(params, batch);
    }
    return sum;
  }
}
