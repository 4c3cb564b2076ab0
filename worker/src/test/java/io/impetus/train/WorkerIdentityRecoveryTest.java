package io.impetus.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.impetus.client.InProcessShards;
import io.impetus.client.ShardedClient;
import io.impetus.model.DataOptions;
import io.impetus.model.ModelCatalog;
import io.impetus.model.ParameterLayout;
import io.impetus.model.Workload;
import io.impetus.optim.OptimizerConfig;
import io.impetus.proto.StatusReply;
import io.impetus.proto.WorkerStatus;
import io.impetus.shard.ConsistencyMode;
import io.impetus.shard.ServerConfig;
import io.impetus.staleness.StalenessPolicy;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A worker whose id is still held by its previous process's session (a worker restarted before its old
 * lease ended) is refused with ALREADY_EXISTS, waits for that lease to end, joins and trains: a
 * transient conflict never kills it. One whose id stays held (another live process with the same
 * rank) stops with a message saying so.
 */
class WorkerIdentityRecoveryTest {
  private static final long LEASE_MS = 300;

  private static ServerConfig shards() {
    return new ServerConfig("127.0.0.1", 0, 0, 2, 1, ConsistencyMode.ASYNC, 0, 0, LEASE_MS,
        new StalenessPolicy.None(), OptimizerConfig.sgd(0.01, 0.0));
  }

  private static WorkerConfig worker(long connectTimeoutSeconds) {
    return new WorkerConfig(List.of("in-process:1", "in-process:2"), 0, 1, "quadratic", 1, null, 5L, 3, null, null, 1,
        false, connectTimeoutSeconds, WorkerDelay.none(), 1.0, null, DataOptions.defaults(), false, false);
  }

  @Test
  void aWorkerWhoseIdIsHeldByItsPreviousProcessWaitsForThatLeaseAndTrains() throws Exception {
    try (InProcessShards shards = new InProcessShards(shards())) {
      Workload workload = ModelCatalog.create("quadratic");
      ParameterLayout layout = workload.model().layout();
      // The previous process joined every shard, then died without leaving: its sessions live on for a lease.
      try (ShardedClient previous = shards.client(0, layout)) {
        previous.join(new float[(int) layout.numParams()], 10).get();
      }
      ShardedClient client = shards.client(0, layout);
      TrainingReport report = new Trainer(workload, worker(10), client, step -> {}).run();
      assertEquals(5, report.steps());
      for (StatusReply shard : shards.status()) {
        WorkerStatus w = shard.getWorkers(0);
        assertEquals("LEFT", w.getState(), "the new session trained and left");
        assertEquals(5, w.getPushes());
      }
      client.close();
    }
  }

  @Test
  void aWorkerWhoseIdStaysHeldByAnotherLiveProcessStopsSayingSo() throws Exception {
    try (InProcessShards shards = new InProcessShards(shards())) {
      Workload workload = ModelCatalog.create("quadratic");
      ParameterLayout layout = workload.model().layout();
      // Another process with the same rank, alive and heartbeating.
      try (ShardedClient other = shards.client(0, layout); ShardedClient client = shards.client(0, layout)) {
        other.join(new float[(int) layout.numParams()], 10).get();
        IllegalStateException e = assertThrows(IllegalStateException.class,
            () -> new Trainer(workload, worker(1), client, step -> {}).run());
        assertTrue(e.getMessage().startsWith("worker 0 cannot join: worker 0 is already joined to shard "),
            e.getMessage());
        assertTrue(e.getMessage().endsWith("another process is probably training as worker 0 (check --rank)"),
            e.getMessage());
      }
    }
  }
}
