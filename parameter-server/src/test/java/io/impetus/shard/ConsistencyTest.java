package io.impetus.shard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.impetus.optim.OptimizerConfig;
import io.impetus.proto.StatusReply;
import io.impetus.proto.WorkerStatus;
import io.impetus.staleness.DropStale;
import io.impetus.staleness.LrDivide;
import io.impetus.staleness.StalenessPolicy;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Consistency modes, leases and staleness policies, on one in-process shard whose lease clock the
 * test moves by hand. Calls run on the caller's thread up to the shard's update loop, so once a
 * later call (status) has been answered, every earlier push has been processed: a reply that has
 * not arrived by then is parked, not late.
 */
class ConsistencyTest {
  private static final long TIMEOUT_MS = 1_000;

  private final AtomicLong clock = new AtomicLong(1_000_000_000L);
  private ShardServer server;
  private ManagedChannel channel;

  @AfterEach
  void tearDown() {
    if (channel != null) {
      channel.shutdownNow();
    }
    if (server != null) {
      server.stop();
    }
  }

  private ShardTestClient start(ServerConfig config) throws Exception {
    String name = InProcessServerBuilder.generateName();
    server = new ShardServer(InProcessServerBuilder.forName(name).directExecutor(), config, clock::get).start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    return new ShardTestClient(channel);
  }

  private static ServerConfig config(ConsistencyMode mode, int workers, int backups, long bound, StalenessPolicy policy,
      OptimizerConfig optimizer) {
    return new ServerConfig("127.0.0.1", 0, 0, 1, workers, mode, backups, bound, TIMEOUT_MS, policy, optimizer);
  }

  private static void joinAll(ShardTestClient shard, int workers, float[] init) {
    for (int w = 0; w < workers; w++) {
      shard.join(w, ShardTestClient.layout(init.length, 1, 0, ShardTestClient.FINGERPRINT));
    }
    shard.initialize(0, init);
  }

  private void advance(long millis) {
    clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
  }

  private static WorkerStatus worker(StatusReply status, int id) {
    return status.getWorkersList().stream().filter(w -> w.getWorkerId() == id).findFirst().orElseThrow();
  }

  @Test
  void syncWithABackupWorkerAppliesTheStepWithNMinusBGradientsAndDropsTheLateOne() throws Exception {
    ShardTestClient shard = start(config(ConsistencyMode.SYNC, 3, 1, 0, new StalenessPolicy.None(),
        OptimizerConfig.sgd(0.5, 0.0)));
    joinAll(shard, 3, new float[] {1});
    CompletableFuture<ShardTestClient.Slice> a = shard.push(2, 0, 0, new float[] {4});
    CompletableFuture<ShardTestClient.Slice> b = shard.push(0, 0, 0, new float[] {2});
    // averaged in worker-id order: (2 + 4) / 2 = 3; p = 1 - 0.5 * 3
    assertArrayEquals(new float[] {-0.5f}, a.join().values());
    assertArrayEquals(new float[] {-0.5f}, b.join().values());
    ShardTestClient.Slice late = shard.push(1, 0, 0, new float[] {100}).join();
    assertTrue(late.dropped());
    assertArrayEquals(new float[] {-0.5f}, late.values());
    StatusReply status = shard.status();
    assertEquals(1, status.getVersion());
    assertEquals(1L, status.getRejectedMap().get("late_for_step"));
    assertEquals(1, worker(status, 1).getDropped());
    assertEquals(0, status.getStaleness().getMax());
  }

  @Test
  void sspParksAWorkerThatWouldRunMoreThanSStepsAheadUntilTheSlowestCatchesUp() throws Exception {
    ShardTestClient shard = start(config(ConsistencyMode.SSP, 2, 0, 1, new StalenessPolicy.None(),
        OptimizerConfig.sgd(0.5, 0.0)));
    joinAll(shard, 2, new float[] {8});
    // Worker 0 finishes step 0: one step ahead of worker 1, within the bound, so it is answered.
    ShardTestClient.Slice first = shard.push(0, 0, 0, new float[] {2}).join();
    assertArrayEquals(new float[] {7f}, first.values());
    // Its step 1 is applied at once, but answering would put it two steps ahead: the reply waits.
    CompletableFuture<ShardTestClient.Slice> second = shard.push(0, 1, 1, new float[] {2});
    StatusReply during = shard.status();
    assertFalse(second.isDone(), "worker 0 must wait for worker 1");
    assertEquals(2, during.getVersion());
    assertEquals(1, during.getParkedReplies());
    // Worker 1's step 0 (computed from version 0, two updates ago) releases worker 0 with fresh values.
    ShardTestClient.Slice slow = shard.push(1, 0, 0, new float[] {2}).join();
    assertEquals(2, slow.staleness());
    assertArrayEquals(new float[] {5f}, second.join().values());
    assertEquals(3, second.join().version());
    StatusReply after = shard.status();
    assertEquals(1, after.getMaxReplyLead());
    assertEquals(1, worker(after, 0).getMaxLead());
  }

  @Test
  void sspWithBoundZeroIsABarrierAtEveryStep() throws Exception {
    ShardTestClient shard = start(config(ConsistencyMode.SSP, 2, 0, 0, new StalenessPolicy.None(),
        OptimizerConfig.sgd(0.5, 0.0)));
    joinAll(shard, 2, new float[] {8});
    CompletableFuture<ShardTestClient.Slice> a = shard.push(0, 0, 0, new float[] {2});
    shard.status();
    assertFalse(a.isDone());
    shard.push(1, 0, 0, new float[] {2}).join();
    assertTrue(a.join().version() >= 1);
    assertEquals(0, shard.status().getMaxReplyLead());
  }

  @Test
  void aSilentWorkerLeavesTheSyncBarrierWhenItsLeaseExpires() throws Exception {
    ShardTestClient shard = start(config(ConsistencyMode.SYNC, 2, 0, 0, new StalenessPolicy.None(),
        OptimizerConfig.sgd(0.5, 0.0)));
    joinAll(shard, 2, new float[] {1});
    CompletableFuture<ShardTestClient.Slice> waiting = shard.push(0, 0, 0, new float[] {2});
    advance(TIMEOUT_MS / 2);
    server.checkLeasesNow();
    assertFalse(waiting.isDone(), "half a lease of silence is not death");
    advance(TIMEOUT_MS);
    server.checkLeasesNow();
    // Worker 0, blocked on the barrier, is not silent; worker 1 is presumed dead and left behind.
    assertArrayEquals(new float[] {0f}, waiting.join().values());
    StatusReply status = shard.status();
    assertEquals("EXPIRED", worker(status, 1).getState());
    assertEquals("JOINED", worker(status, 0).getState());
    assertEquals(1, status.getLiveWorkers());
    // Training goes on with worker 0 alone.
    assertArrayEquals(new float[] {-1f}, shard.push(0, 1, 1, new float[] {2}).join().values());
  }

  @Test
  void heartbeatsKeepAComputingWorkerAlive() throws Exception {
    ShardTestClient shard = start(config(ConsistencyMode.SYNC, 2, 0, 0, new StalenessPolicy.None(),
        OptimizerConfig.sgd(0.5, 0.0)));
    joinAll(shard, 2, new float[] {1});
    for (int i = 0; i < 5; i++) {
      advance(TIMEOUT_MS * 3 / 4);
      assertTrue(shard.heartbeat(1));
      server.checkLeasesNow();
    }
    assertEquals("JOINED", worker(shard.status(), 1).getState());
  }

  @Test
  void anExpiredWorkerIsToldToJoinAgainAndThenTrainsOn() throws Exception {
    ShardTestClient shard = start(config(ConsistencyMode.ASYNC, 2, 0, 0, new StalenessPolicy.None(),
        OptimizerConfig.sgd(0.5, 0.0)));
    joinAll(shard, 2, new float[] {1});
    shard.push(0, 0, 0, new float[] {2}).join();
    advance(TIMEOUT_MS * 2);
    server.checkLeasesNow();
    CompletionException e = org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class,
        () -> shard.push(1, 1, 0, new float[] {2}).join());
    assertEquals(Status.Code.ABORTED, Status.fromThrowable(e.getCause()).getCode());
    assertFalse(shard.heartbeat(1));
    assertTrue(shard.join(1, ShardTestClient.layout(1, 1, 0, ShardTestClient.FINGERPRINT)).getInitialized());
    assertEquals(1, shard.pull(1).version());
    assertEquals(2, shard.push(1, 1, 1, new float[] {2}).join().version());
    assertEquals("JOINED", worker(shard.status(), 1).getState());
  }

  @Test
  void aWorkerThatNeverJoinsStopsCountingAfterOneLease() throws Exception {
    ShardTestClient shard = start(config(ConsistencyMode.SYNC, 3, 0, 0, new StalenessPolicy.None(),
        OptimizerConfig.sgd(0.5, 0.0)));
    joinAll(shard, 2, new float[] {1});
    CompletableFuture<ShardTestClient.Slice> a = shard.push(0, 0, 0, new float[] {2});
    CompletableFuture<ShardTestClient.Slice> b = shard.push(1, 0, 0, new float[] {2});
    shard.status();
    assertFalse(a.isDone());
    advance(TIMEOUT_MS * 2);
    server.checkLeasesNow();
    assertEquals(1, a.join().version());
    assertEquals(1, b.join().version());
    assertEquals("NEVER_JOINED", worker(shard.status(), 2).getState());
  }

  @Test
  void aWorkerThatLeavesDoesNotHoldTheOthersBack() throws Exception {
    ShardTestClient shard = start(config(ConsistencyMode.SSP, 2, 0, 0, new StalenessPolicy.None(),
        OptimizerConfig.sgd(0.5, 0.0)));
    joinAll(shard, 2, new float[] {1});
    CompletableFuture<ShardTestClient.Slice> a = shard.push(0, 0, 0, new float[] {2});
    shard.status();
    assertFalse(a.isDone());
    shard.leave(1);
    assertEquals(1, a.join().version());
    assertEquals(2, shard.push(0, 1, 1, new float[] {2}).join().version());
  }

  @Test
  void lrDivideAppliesAGradientOfStalenessTwoAtHalfTheLearningRate() throws Exception {
    ShardTestClient shard = start(config(ConsistencyMode.ASYNC, 3, 0, 0, new LrDivide(),
        OptimizerConfig.sgd(0.5, 0.0)));
    joinAll(shard, 3, new float[] {10});
    assertArrayEquals(new float[] {9f}, shard.push(0, 0, 0, new float[] {2}).join().values()); // staleness 0: lr 0.5
    assertArrayEquals(new float[] {8f}, shard.push(1, 0, 0, new float[] {2}).join().values()); // staleness 1: lr 0.5
    assertArrayEquals(new float[] {7.5f}, shard.push(2, 0, 0, new float[] {2}).join().values()); // staleness 2: lr 0.25
  }

  @Test
  void dropStaleRefusesGradientsOverTheBoundAndHandsBackFreshParameters() throws Exception {
    ShardTestClient shard = start(config(ConsistencyMode.ASYNC, 2, 0, 0, new DropStale(0),
        OptimizerConfig.sgd(0.5, 0.0)));
    joinAll(shard, 2, new float[] {10});
    shard.push(0, 0, 0, new float[] {2}).join();
    ShardTestClient.Slice stale = shard.push(1, 0, 0, new float[] {2}).join();
    assertTrue(stale.dropped());
    assertArrayEquals(new float[] {9f}, stale.values());
    assertEquals(1, stale.version());
    StatusReply status = shard.status();
    assertEquals(1L, status.getRejectedMap().get("too_stale"));
    assertEquals(1, worker(status, 1).getDropped());
    assertEquals(1, status.getStaleness().getCount(), "a dropped gradient is not counted as applied");
  }
}
