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
import io.impetus.shard.checkpoint.CheckpointSettings;
import io.impetus.staleness.StalenessPolicy;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A shard that crashes and restarts (as a restarted pod does) does not end training: the worker
 * rejoins and finishes. Without a checkpoint folder the shard comes back empty and the worker
 * initializes it from its own copy of the parameters; with one, the shard comes back from its newest
 * checkpoint (version, optimizer state, schedule position) and the worker pulls from it instead. With
 * shared memory, the rejoin attaches a fresh segment to the new shard, which knows none.
 */
class ShardRestartTest {
  @TempDir Path shm;
  @TempDir Path checkpoints;

  @ParameterizedTest(name = "checkpoints {0}, overlap {1}, transport {2}")
  @CsvSource({"false, false, GRPC", "false, true, GRPC", "false, false, AUTO", "false, true, AUTO",
      "true, false, GRPC", "true, true, GRPC", "true, false, AUTO", "true, true, AUTO"})
  void aRestartedShardIsRestoredFromItsCheckpointOrReinitializedByTheWorkerAndTrainingFinishes(boolean checkpointed,
      boolean overlap, Transport transport) throws Exception {
    ServerConfig template = new ServerConfig("127.0.0.1", 0, 0, 2, 1, ConsistencyMode.ASYNC, 0, 0, 60_000,
        new StalenessPolicy.None(), OptimizerConfig.sgd(0.01, 0.9)).withSharedMemoryDir(shm)
        .withCheckpoints(checkpointed ? new CheckpointSettings(checkpoints, 10, 3) : CheckpointSettings.none());
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
      // Shard 1 had applied steps 0..19 (version 20) when it was stopped. With checkpoints it comes back
      // at version 20: its checkpoint every 10 updates fell on 20 (and so would the one a graceful stop
      // writes). Without, it comes back at version 0 and the worker's copy of the parameters.
      long restored = checkpointed ? 20 : 0;
      assertEquals(checkpointed ? 20 : -1, restarted.getRestoredVersion());
      if (!overlap) {
        // Step 20's push reached a process the worker had not joined yet, and the worker pushed it again
        // after the rejoin. Restored at version 20, the version step 20's gradient was computed from, the
        // new shard applied it (the other shard answered the repeat without applying it twice): steps
        // 20..39, every one. Empty, the new shard came back at 0, so the retry was not sent and step 20
        // is lost there: steps 21..39. The shard that stayed up applied every step.
        assertEquals(checkpointed ? restored + 20 : restored + 19, restarted.getVersion());
        assertEquals(checkpointed ? 1 : 0, shards.status().get(0).getPushesDeduplicated());
        assertEquals(40, shards.status().get(0).getVersion());
      } else {
        // Step 20's push fails on the new shard; step 21's gradient, computed while it was in flight,
        // is dropped at the rejoin. The new shard applies 22..39, the other every step but 21.
        assertEquals(restored + 18, restarted.getVersion());
        assertEquals(39, shards.status().get(0).getVersion());
      }
    }
  }
}
