package io.impetus.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.impetus.client.InProcessShards;
import io.impetus.client.ShardedClient;
import io.impetus.client.Transport;
import io.impetus.client.WirePrecision;
import io.impetus.model.DataOptions;
import io.impetus.model.ModelCatalog;
import io.impetus.model.Workload;
import io.impetus.optim.OptimizerConfig;
import io.impetus.shard.ConsistencyMode;
import io.impetus.wire.SharedSegment;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Training with bfloat16 on the wire converges like training with float32: mlp-x2 (y = x²), one
 * worker on two in-process shards, 12 epochs of batch 32, SGD lr 0.01 with momentum 0.8, the setting in
 * which a single process reaches a full-data MSE below 0.05 (see MlpTrainingTest). Only the wire is
 * rounded (about 3 significant digits), so the result should be as good as float32's.
 */
class WirePrecisionTrainingTest {
  private static final long STEPS = 12 * 32; // 12 epochs of the 1000 points in batches of 32

  /** The full-data MSE after training with {@code precision} on the wire, checking how the pushes travelled. */
  private static double train(WirePrecision precision) throws Exception {
    Workload workload = ModelCatalog.create("mlp-x2");
    try (InProcessShards shards = new InProcessShards(2, 1, ConsistencyMode.ASYNC, OptimizerConfig.sgd(0.01, 0.8))) {
      ShardedClient client = shards.client(0, workload.model().layout(), Transport.GRPC, SharedSegment.DEFAULT_DIR,
          precision);
      WorkerConfig config = new WorkerConfig(List.of("in-process:1", "in-process:2"), 0, 1, "mlp-x2", 32, null, STEPS,
          3, null, null, 1, false, 10, WorkerDelay.none(), 1.0, null, DataOptions.defaults(), false, false,
          Transport.GRPC, SharedSegment.DEFAULT_DIR, null, precision);
      TrainingReport report = new Trainer(workload, config, client, step -> {}).run();
      assertEquals(STEPS, report.steps());
      String plane = precision == WirePrecision.BF16 ? "grpc-bf16" : "grpc";
      assertEquals(List.of(plane, plane), report.dataPlanes());
      float[] params = new float[(int) workload.model().layout().numParams()];
      client.pull(params).get(); // the shards' float32 parameters
      return workload.model().loss(params, workload.train().asBatch());
    }
  }

  @Test
  void anMlpTrainedWithBf16OnTheWireConvergesAsWithFloat32() throws Exception {
    double bf16 = train(WirePrecision.BF16);
    double fp32 = train(WirePrecision.FP32);
    String figures = "full-data MSE: bf16 " + bf16 + ", fp32 " + fp32;
    System.out.println("mlp-x2, 12 epochs, batch 32, SGD lr 0.01 momentum 0.8, " + figures);
    assertTrue(bf16 < 0.05, figures);
    assertTrue(fp32 < 0.05, figures);
    assertTrue(Math.abs(bf16 - fp32) < 0.01, "bf16 ends where fp32 does: " + figures);
  }
}
