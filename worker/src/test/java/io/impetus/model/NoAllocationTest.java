package io.impetus.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.impetus.data.Batch;
import io.impetus.data.Batcher;
import io.impetus.data.Partition;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * The hot path allocates nothing: 2,000 warmed-up training steps (batch, gradient, loss) must
 * allocate less than one small object per step. Boxing or a per-call array would cost kilobytes.
 * This covers the synthetic workloads; {@link ImageModelNoAllocationTest} the image classifiers.
 */
class NoAllocationTest {
  private static final int STEPS = 2_000;

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  @Test
  void trainingStepsAllocateNothingOnceWarm() {
    for (String name : ModelCatalog.names().stream().filter(n -> !ModelCatalog.usesImageData(n)).toList()) {
      Workload workload = ModelCatalog.create(name);
      Model model = workload.model();
      int p = (int) model.layout().numParams();
      float[] params = new float[p];
      float[] grad = new float[p];
      model.initialize(params, 1);
      Batcher batcher = workload.hasTrainingData()
          ? new Batcher(workload.train(), Partition.of(workload.train().size(), 1, 3), 32, 9)
          : null;
      Batch batch = batcher != null ? batcher.newBatch() : new Batch(0, 1, 1);
      runSteps(model, batcher, batch, params, grad); // warm up: class loading, JIT
      long before = THREADS.getCurrentThreadAllocatedBytes();
      double sink = runSteps(model, batcher, batch, params, grad);
      long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
      assertTrue(allocated < STEPS, name + " allocated " + allocated + " bytes in " + STEPS + " steps");
      assertTrue(Double.isFinite(sink));
    }
  }

  private static double runSteps(Model model, Batcher batcher, Batch batch, float[] params, float[] grad) {
    double sum = 0;
    for (int i = 0; i < STEPS; i++) {
      if (batcher != null) {
        batcher.nextAcrossEpochs(batch);
      }
      sum += model.lossAndGradient(params, batch, grad) + model.loss(params, batch);
    }
    return sum;
  }
}
