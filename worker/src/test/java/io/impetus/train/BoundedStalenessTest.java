package io.impetus.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.impetus.client.InProcessShards;
import io.impetus.client.ShardedClient;
import io.impetus.model.ModelCatalog;
import io.impetus.model.Workload;
import io.impetus.optim.OptimizerConfig;
import io.impetus.proto.StatusReply;
import io.impetus.proto.WorkerStatus;
import io.impetus.shard.ConsistencyMode;
import io.impetus.shard.ServerConfig;
import io.impetus.staleness.StalenessPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * Stale Synchronous Parallel, checked from the shards' own records: with workers delayed at random
 * (one of them much slower), no worker is ever answered while more than s steps ahead of the
 * slowest live worker, and yet the fast workers did run ahead (the bound was exercised).
 */
class BoundedStalenessTest {
  private static final int WORKERS = 4;
  private static final long BOUND = 2;
  private static final long STEPS = 24;

  @Test
  void noReplyIsGivenToAWorkerMoreThanSStepsAheadOfTheSlowest() throws Exception {
    ServerConfig template = new ServerConfig("127.0.0.1", 0, 0, 2, WORKERS, ConsistencyMode.SSP, 0, BOUND, 60_000,
        new StalenessPolicy.None(), OptimizerConfig.sgd(0.01, 0.9));
    ExecutorService pool = Executors.newFixedThreadPool(WORKERS);
    try (InProcessShards shards = new InProcessShards(template)) {
      List<CompletableFuture<TrainingReport>> runs = new ArrayList<>();
      for (int rank = 0; rank < WORKERS; rank++) {
        Workload workload = ModelCatalog.create("mlp-x2");
        WorkerDelay delay = rank == WORKERS - 1 ? WorkerDelay.parse("uniform:10:20") : WorkerDelay.parse("uniform:0:1");
        WorkerConfig config = new WorkerConfig(List.of("in-process:1", "in-process:2"), rank, WORKERS, "mlp-x2", 8,
            null, STEPS, 5, null, null, 1, false, 10, delay, 1.0, null);
        ShardedClient client = shards.client(rank, workload.model().layout());
        runs.add(CompletableFuture.supplyAsync(() -> {
          try {
            return new Trainer(workload, config, client, step -> {}).run();
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        }, pool));
      }
      for (CompletableFuture<TrainingReport> run : runs) {
        assertEquals(STEPS, run.get().steps());
      }
      for (StatusReply status : shards.status()) {
        assertTrue(status.getMaxReplyLead() <= BOUND,
            "shard " + status.getShardIndex() + " answered a worker " + status.getMaxReplyLead() + " steps ahead");
        for (WorkerStatus w : status.getWorkersList()) {
          assertTrue(w.getMaxLead() <= BOUND, "worker " + w.getWorkerId() + " lead " + w.getMaxLead());
          assertEquals(STEPS, w.getPushes());
        }
        assertTrue(status.getParkedReplies() > 0, "the fast workers never had to wait: the bound was not exercised");
        assertEquals(BOUND, status.getMaxReplyLead(), "the fast workers ran ahead as far as allowed");
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
