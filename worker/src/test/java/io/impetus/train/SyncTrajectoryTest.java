package io.impetus.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.impetus.client.InProcessShards;
import io.impetus.client.ShardedClient;
import io.impetus.data.Batch;
import io.impetus.model.Quadratic;
import io.impetus.optim.Optimizer;
import io.impetus.optim.OptimizerConfig;
import io.impetus.optim.OptimizerState;
import io.impetus.optim.Optimizers;
import io.impetus.shard.ConsistencyMode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * Synchronous training is data-parallel SGD done right: with two workers computing the exact
 * gradient of the quadratic, two shards follow the same trajectory as one process running the same
 * optimizer, number for number.
 */
class SyncTrajectoryTest {
  private static final int STEPS = 150;
  private static final OptimizerConfig OPTIMIZER = OptimizerConfig.sgd(0.02, 0.9);

  @Test
  void twoSyncWorkersOnTwoShardsFollowTheSingleProcessTrajectoryExactly() throws Exception {
    List<float[]> reference = singleProcess();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try (InProcessShards shards = new InProcessShards(2, 2, ConsistencyMode.SYNC, OPTIMIZER)) {
      List<CompletableFuture<List<float[]>>> workers = new ArrayList<>();
      for (int rank = 0; rank < 2; rank++) {
        ShardedClient client = shards.client(rank, new Quadratic().layout());
        workers.add(CompletableFuture.supplyAsync(() -> train(client), pool));
      }
      for (CompletableFuture<List<float[]>> worker : workers) {
        List<float[]> trajectory = worker.get();
        for (int t = 0; t < STEPS; t++) {
          for (int i = 0; i < 2; i++) {
            assertEquals(Float.floatToIntBits(reference.get(t)[i]), Float.floatToIntBits(trajectory.get(t)[i]),
                "step " + t + " coordinate " + i + ": " + reference.get(t)[i] + " vs " + trajectory.get(t)[i]);
          }
        }
      }
      float[] last = reference.get(STEPS - 1);
      assertEquals(true, new Quadratic().loss(last, null) < 1e-3, "the reference itself converges");
    } finally {
      pool.shutdownNow();
    }
  }

  private static List<float[]> train(ShardedClient client) {
    try {
      Quadratic model = new Quadratic();
      float[] params = new float[2];
      float[] grad = new float[2];
      model.initialize(params, 1);
      client.join(params, 10).get();
      Batch batch = new Batch(1, 0, 0);
      List<float[]> trajectory = new ArrayList<>();
      for (int t = 0; t < STEPS; t++) {
        double loss = model.lossAndGradient(params, batch, grad);
        client.pushPull(grad, (float) loss, 1, t, params).get();
        trajectory.add(params.clone());
      }
      client.leave().get();
      return trajectory;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<float[]> singleProcess() {
    Quadratic model = new Quadratic();
    Optimizer optimizer = Optimizers.create(OPTIMIZER);
    float[] params = new float[2];
    float[] grad = new float[2];
    model.initialize(params, 1);
    OptimizerState state = optimizer.newState(2);
    List<float[]> trajectory = new ArrayList<>();
    for (int t = 0; t < STEPS; t++) {
      model.lossAndGradient(params, new Batch(1, 0, 0), grad);
      optimizer.step(params, grad, state, OPTIMIZER.lr());
      trajectory.add(params.clone());
    }
    return trajectory;
  }
}
