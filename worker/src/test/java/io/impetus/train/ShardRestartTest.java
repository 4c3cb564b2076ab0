package io.impetus.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.impetus.client.InProcessShards;
import io.impetus.client.ShardedClient;
import io.impetus.client.Transport;
import io.impetus.model.DataOptions;
import io.impetus.model.ModelCatalog;
import io.impetus.model.Workload;
import io.impetus.optim.OptimizerConfig;
import io.impetus.proto.StatusReply;
import io.impetus.shard.ConsistencyMode;
import io.impetus.shard.ServerConfig;
import io.impetus.staleness.StalenessPolicy;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A shard that crashes and comes back empty (as a restarted pod does) does not end training: the
 * worker rejoins, initializes the shard from its own copy of the parameters, and finishes. With
 * shared memory, the rejoin attaches a fresh segment to the new shard, which knows none.
 */
class ShardRestartTest {
  @TempDir Path shm;

  @ParameterizedTest(name = "overlap {0}, transport {1}")
  @CsvSource({"false, GRPC", "true, GRPC", "false, AUTO", "true, AUTO"})
  void aWorkerReinitializesARestartedShardFromItsOwnParametersAndFinishes(boolean overlap, Transport transport)
      throws Exception {
    ServerConfig template = new ServerConfig("127.0.0.1", 0, 0, 2, 1, ConsistencyMode.ASYNC, 0, 0, 60_000,
        new StalenessPolicy.None(), OptimizerConfig.sgd(0.01, 0.9)).withSharedMemoryDir(shm);
    try (InProcessShards shards = new InProcessShards(template)) {
      Workload workload = ModelCatalog.create("mlp-x2");
      WorkerConfig config = new WorkerConfig(List.of("in-process:1", "in-process:2"), 0, 1, "mlp-x2", 32, null, 40L,
          3, null, null, 1, false, 10, WorkerDelay.none(), 1.0, null, DataOptions.defaults(), false, overlap,
          transport, shm);
      ShardedClient client = shards.client(0, workload.model().layout(), config.transport(), config.shmDir());
      double[] lossBeforeCrash = {Double.NaN};
      TrainingReport report = new Trainer(workload, config, client, step -> {
        if (step.step() == 19) {
          lossBeforeCrash[0] = step.loss();
          try {
            shards.restart(1); // between two steps, on the training thread: deterministic
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        }
      }).run();
      assertEquals(40, report.steps());
      assertEquals(1, report.rejoins(), "one failed step, one rejoin");
      assertTrue(report.finalLoss() < lossBeforeCrash[0], "training went on from where it was, not from scratch");
      StatusReply restarted = shards.status().get(1);
      assertTrue(restarted.getInitialized());
      boolean shared = transport == Transport.AUTO;
      assertArrayEquals(new boolean[] {shared, shared}, client.sharedMemory(), "attached again at the rejoin");
      if (shared) {
        // The stopping shard ended the worker's shm path, so the push after the crash failed
        // UNAVAILABLE on the worker's side and never reached the new shard; none came without a segment.
        assertEquals(Map.of(), restarted.getRejectedMap());
      } else {
        // The push that found the new shard empty was refused there.
        assertEquals(Map.of("unknown_worker", 1L), restarted.getRejectedMap());
      }
      assertEquals(Map.of(), shards.status().get(0).getRejectedMap());
      if (!overlap) {
        // The new shard applied steps 21..39; its slice of step 20 was lost with the crash, while the
        // shard that stayed up applied every step.
        assertEquals(19, restarted.getVersion());
        assertEquals(40, shards.status().get(0).getVersion());
      } else {
        // Step 20's push fails on the new shard; step 21's gradient, computed while it was in flight,
        // is dropped at the rejoin. The new shard applies 22..39, the other every step but 21.
        assertEquals(18, restarted.getVersion());
        assertEquals(39, shards.status().get(0).getVersion());
      }
    }
  }
}
