package io.impetus.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.impetus.client.InProcessShards;
import io.impetus.client.ShardedClient;
import io.impetus.data.Batch;
import io.impetus.model.DataOptions;
import io.impetus.model.Quadratic;
import io.impetus.model.Workload;
import io.impetus.optim.Optimizer;
import io.impetus.optim.OptimizerConfig;
import io.impetus.optim.OptimizerState;
import io.impetus.optim.Optimizers;
import io.impetus.proto.StatusReply;
import io.impetus.shard.ConsistencyMode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * With {@code --overlap} a worker computes its next gradient while its previous push is in flight:
 * a lone worker then runs delayed SGD with a delay of exactly one update, number for number, and
 * the shards measure that delay as staleness 1 on every gradient but the first.
 */
class OverlapTest {
  private static final int STEPS = 60;
  private static final OptimizerConfig OPTIMIZER = OptimizerConfig.sgd(0.02, 0.5);

  @Test
  void aLoneOverlappingWorkerFollowsTheDelayedTrajectoryExactlyAndReportsStalenessOne() throws Exception {
    List<StepRecord> steps = new ArrayList<>();
    try (InProcessShards shards = new InProcessShards(2, 1, ConsistencyMode.ASYNC, OPTIMIZER)) {
      Workload workload = new Workload(new Quadratic(), null);
      ShardedClient client = shards.client(0, workload.model().layout());
      TrainingReport report = new Trainer(workload, config(1, (long) STEPS, 1, true), client, steps::add).run();

      assertEquals(STEPS, report.steps());
      assertEquals(STEPS, steps.size(), "every step is reported once its reply has arrived");
      assertTrue(report.steadySamplesPerSecond() > 0, "a rate over the last 80% of steps: " + report);
      double[] expected = delayedByOneLosses();
      for (int t = 0; t < STEPS; t++) {
        StepRecord r = steps.get(t);
        assertEquals(t, r.step(), "steps are reported in order");
        assertEquals(expected[t], r.loss(), 0.0, "loss of step " + t + " (computed from w_" + Math.max(t - 1, 0) + ")");
        assertEquals(t == 0 ? 0 : 1, r.staleness(), "staleness of step " + t);
      }
      for (StatusReply shard : shards.status()) {
        assertEquals(STEPS, shard.getVersion(), "every gradient applied on shard " + shard.getShardIndex());
        assertEquals(STEPS - 1, shard.getStaleness().getHistogram(1), "gradients applied one update late");
      }
    }
  }

  @Test
  void withoutOverlapTheSameWorkerSeesNoStaleness() throws Exception {
    List<StepRecord> steps = new ArrayList<>();
    try (InProcessShards shards = new InProcessShards(2, 1, ConsistencyMode.ASYNC, OPTIMIZER)) {
      Workload workload = new Workload(new Quadratic(), null);
      ShardedClient client = shards.client(0, workload.model().layout());
      new Trainer(workload, config(1, (long) STEPS, 1, false), client, steps::add).run();
      assertEquals(STEPS, steps.size());
      assertTrue(steps.stream().allMatch(r -> r.staleness() == 0));
    }
  }

  private static WorkerConfig config(int workers, Long steps, long seed, boolean overlap) {
    return new WorkerConfig(List.of("in-process:1", "in-process:2"), 0, workers, "quadratic", 1, null, steps, seed,
        null, null, 1, false, 10, WorkerDelay.none(), 1.0, null, DataOptions.defaults(), false, overlap);
  }

  /**
   * The loss of each step of one process running the optimizer with every gradient one update late:
   * step 0 and step 1 both compute from w_0, step t from w_{t-1}; update t applies step t's gradient.
   */
  private static double[] delayedByOneLosses() {
    Quadratic model = new Quadratic();
    Optimizer optimizer = Optimizers.create(OPTIMIZER);
    OptimizerState state = optimizer.newState(2);
    Batch batch = new Batch(1, 0, 0);
    batch.setSize(1);
    float[] params = new float[2];
    model.initialize(params, 1);
    float[] previous = params.clone();
    float[] grad = new float[2];
    double[] losses = new double[STEPS];
    for (int t = 0; t < STEPS; t++) {
      losses[t] = model.lossAndGradient(previous, batch, grad); // w_{t-1}, or w_0 for t = 0
      previous = params.clone();
      optimizer.step(params, grad, state, OPTIMIZER.lr());
    }
    return losses;
  }
}
