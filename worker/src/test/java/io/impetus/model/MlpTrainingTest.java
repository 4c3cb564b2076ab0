package io.impetus.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.impetus.data.Batch;
import io.impetus.data.Batcher;
import io.impetus.data.Partition;
import org.junit.jupiter.api.Test;

/**
 * The mlp-x2 workload learns y = x² with plain SGD, without the optimizer module: single process,
 * batch 32, 12 epochs over the 1000 points, lr 0.01, PyTorch's momentum (v = μv + g; p −= lr·v).
 * PyTorch's reference run ends at full-data MSE ≈ 0.019 with μ = 0.8 and ≈ 0.076 with μ = 0; the
 * noise floor is 0.01.
 */
class MlpTrainingTest {
  static final long[] INIT_SEEDS = {1, 2, 3, 4, 5};

  /** Full-data MSE after training from init seed {@code seed} with momentum {@code mu}. */
  static double train(long seed, float mu) {
    Workload workload = ModelCatalog.create("mlp-x2");
    Model model = workload.model();
    int p = (int) model.layout().numParams();
    float[] params = new float[p];
    float[] grad = new float[p];
    float[] velocity = new float[p];
    model.initialize(params, seed);
    Batcher batcher = new Batcher(workload.train(), Partition.of(workload.train().size(), 0, 1), 32, seed);
    Batch batch = batcher.newBatch();
    for (int epoch = 0; epoch < 12; epoch++) {
      while (batcher.next(batch)) {
        model.lossAndGradient(params, batch, grad);
        for (int i = 0; i < p; i++) {
          velocity[i] = mu * velocity[i] + grad[i];
          params[i] -= 0.01f * velocity[i];
        }
      }
    }
    return model.loss(params, workload.train().asBatch());
  }

  @Test
  void momentumPointEightReachesMseBelowPointZeroFive() {
    for (long seed : INIT_SEEDS) {
      double mse = train(seed, 0.8f);
      assertTrue(mse < 0.05, "init seed " + seed + ": full-data MSE " + mse);
    }
  }

  @Test
  void momentumBeatsPlainSgdInTheSameNumberOfSteps() {
    double withMomentum = 0;
    double without = 0;
    StringBuilder table = new StringBuilder("mlp-x2, 12 epochs, batch 32, lr 0.01: seed, MSE mu=0.8, MSE mu=0\n");
    for (long seed : INIT_SEEDS) {
      double m = train(seed, 0.8f);
      double s = train(seed, 0f);
      table.append(String.format("%d, %.4f, %.4f%n", seed, m, s));
      withMomentum += m;
      without += s;
    }
    System.out.print(table);
    assertTrue(withMomentum < without, table.toString());
  }
}
