package io.impetus.shard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessServerBuilder;
import io.impetus.optim.LrSchedule;
import io.impetus.optim.OptimizerConfig;
import io.impetus.optim.OptimizerKind;
import io.impetus.proto.JoinReply;
import io.impetus.proto.Layout;
import io.impetus.proto.StatusReply;
import io.impetus.shard.checkpoint.CheckpointMismatchException;
import io.impetus.shard.checkpoint.CheckpointSettings;
import io.impetus.shard.checkpoint.CheckpointStore;
import io.impetus.shard.checkpoint.ShardSnapshot;
import io.impetus.shard.checkpoint.WorkerProgress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A shard with a checkpoint folder: it checkpoints every K updates and when it stops, and a shard
 * started on that folder serves from the newest checkpoint (version, optimizer state, schedule
 * position), so that training goes on exactly as if it had never stopped. Joins never overwrite it;
 * a checkpoint of another plan or optimizer keeps the shard from starting.
 */
class ShardCheckpointTest {
  /** Adam with a warm-up and a cosine schedule: its moments, step count and lr position all matter. */
  private static final OptimizerConfig ADAM =
      OptimizerConfig.defaults(OptimizerKind.ADAM, 0.01).withSchedule(LrSchedule.cosine(3, 12, 0.001));
  private static final int P = 6;
  private static final Layout LAYOUT = ShardTestClient.layout(P, 1, 0, ShardTestClient.FINGERPRINT);
  private static final float[] INITIAL = {0.5f, -1f, 2f, 0.25f, -0.75f, 1.5f};

  @TempDir Path dir;
  private final InProcessShardServers servers = new InProcessShardServers();

  @AfterEach
  void tearDown() {
    servers.close();
  }

  private ServerConfig config(OptimizerConfig optimizer, int shards, CheckpointSettings checkpoints) {
    return new ServerConfig("127.0.0.1", 0, 0, shards, 1, ConsistencyMode.ASYNC, optimizer).withCheckpoints(checkpoints);
  }

  private ShardTestClient start(String name, ServerConfig config) throws Exception {
    return servers.start(name, config);
  }

  /** Starts shard {@code name} on {@code checkpoints}, joins and initializes it, and stops it: it checkpoints then. */
  private void initializedAndStopped(String name, CheckpointSettings checkpoints) throws Exception {
    ShardTestClient shard = start(name, config(ADAM, 1, checkpoints));
    shard.join(0, LAYOUT);
    shard.initialize(0, INITIAL);
    servers.server(servers.size() - 1).stop();
  }

  /** Worker step {@code step}'s gradient: the same in every run. */
  private static float[] gradient(long step) {
    Random r = new Random(step);
    float[] g = new float[P];
    for (int i = 0; i < P; i++) {
      g[i] = (float) r.nextGaussian();
    }
    return g;
  }

  /** Pushes the gradients of steps [from, to), each computed from the version it follows. */
  private static void train(ShardTestClient shard, long from, long to) {
    for (long step = from; step < to; step++) {
      assertEquals(step + 1, shard.push(0, step, step, gradient(step)).join().version());
    }
  }

  @ParameterizedTest(name = "crash: {0}")
  @ValueSource(booleans = {false, true})
  void aRestartedShardContinuesFromItsCheckpointBitForBitAsIfItNeverStopped(boolean crash) throws Exception {
    ShardTestClient reference = start("reference", config(ADAM, 1, CheckpointSettings.none()));
    reference.join(0, LAYOUT);
    reference.initialize(0, INITIAL);
    train(reference, 0, 12);
    float[] uninterrupted = reference.pull(0).values();

    ServerConfig config = config(ADAM, 1, new CheckpointSettings(dir, 4, 3));
    ShardTestClient first = start("checkpointed", config);
    first.join(0, LAYOUT);
    first.initialize(0, INITIAL);
    train(first, 0, 4);
    // A graceful stop writes what was handed over; stopping at the periodic version 4 makes that
    // checkpoint certain (running on to 6, a busy writer may let the final one replace it, by design).
    servers.server(1).stop();
    ShardTestClient resumed = start("checkpointed", config);
    resumed.join(0, LAYOUT);
    train(resumed, 4, 6);
    servers.server(2).stop(); // a graceful stop writes a final checkpoint at version 6
    CheckpointStore store = new CheckpointStore(dir.resolve("shard-0"), 0, 3);
    assertEquals(List.of(6L, 4L), store.completeVersions());
    if (crash) {
      // A crash (SIGKILL) writes nothing on the way out: the newest checkpoint is the periodic one.
      Files.delete(store.manifestFile(6));
    }
    long restored = crash ? 4 : 6;

    ShardTestClient second = start("checkpointed", config);
    JoinReply join = second.join(0, LAYOUT);
    assertTrue(join.getInitialized(), "a restored shard is initialized: the worker pulls rather than initializes");
    assertEquals(restored, join.getVersion());
    assertTrue(second.initialize(0, new float[P]).getAlreadyInitialized(), "and an initialization cannot overwrite it");
    StatusReply status = second.status();
    assertEquals(restored, status.getRestoredVersion());
    assertEquals(restored, status.getLastCheckpointVersion());
    assertEquals(restored, status.getVersion());
    // The worker goes on from the version it pulls: after a crash, it repeats steps 4 and 5.
    train(second, restored, 12);
    assertArrayEquals(ShardTestClientBits.of(uninterrupted), ShardTestClientBits.of(second.pull(0).values()),
        "parameters equal bit for bit: the moments, the step count and the schedule's position were restored");
    assertEquals(12, second.status().getVersion());

    servers.server(3).stop();
    ShardSnapshot last = store.read(12);
    assertEquals(12, last.optimizerSteps());
    assertEquals(12, last.schedulePosition());
    assertEquals(List.of(new WorkerProgress(12, 11, 0)), last.workers(), "worker 0 pushes step 12 next");
    assertEquals(12, last.staleness().count(), "the checkpoint's staleness record plus the gradients applied since");
  }

  @Test
  void aCheckpointOfAnotherPlanKeepsTheShardFromStartingWithOneLineNamingBoth() throws Exception {
    CheckpointSettings checkpoints = new CheckpointSettings(dir, 0, 3);
    ShardTestClient shard = start("one-shard", config(ADAM, 1, checkpoints));
    shard.join(0, LAYOUT);
    shard.initialize(0, INITIAL);
    train(shard, 0, 2);
    servers.server(0).stop();

    CheckpointMismatchException e = assertThrows(CheckpointMismatchException.class,
        () -> new ShardServer(InProcessServerBuilder.forName("two-shards"), config(ADAM, 2, checkpoints)));
    assertEquals("checkpoint " + dir.resolve("shard-0").resolve("checkpoint-000000000002.bin")
        + " holds shard 0 of 1 ([0, 6) of 6 parameters of model 'test'), but this shard was started as shard 0 of 2;"
        + " start it with the checkpoint's --shard-index/--num-shards or another --checkpoint-dir", e.getMessage());
  }

  @Test
  void aCheckpointOfAnotherLayoutThanTheExpectedOneKeepsTheShardFromStarting() throws Exception {
    CheckpointSettings checkpoints = new CheckpointSettings(dir, 0, 3);
    initializedAndStopped("expected", checkpoints);

    ServerConfig expectingAnother = config(ADAM, 1, checkpoints)
        .withLayoutLimits(new LayoutLimits(ExpectedLayout.of(P, 42), 0));
    CheckpointMismatchException e = assertThrows(CheckpointMismatchException.class,
        () -> start("expected", expectingAnother));
    assertEquals("the checkpoint holds shard 0 of 1 ([0, 6) of 6 parameters of model 'test') (fingerprint "
        + "123456789abcdef0), but this shard expects 6 parameters, fingerprint 000000000000002a (--model, "
        + "--num-params); start it with the checkpoint's model or another --checkpoint-dir",
        e.getMessage());
    ServerConfig expectingIt = config(ADAM, 1, checkpoints)
        .withLayoutLimits(new LayoutLimits(ExpectedLayout.of(P, ShardTestClient.FINGERPRINT), 0));
    ShardTestClient restored = start("expected", expectingIt);
    assertTrue(restored.join(0, LAYOUT).getInitialized(), "the expected one starts");
    assertArrayEquals(INITIAL, restored.pull(0).values());
  }

  @Test
  void aShardRestoredWithASmallerBoundStillTakesItsWorkersWhoseLayoutItHolds() throws Exception {
    CheckpointSettings checkpoints = new CheckpointSettings(dir, 0, 3);
    initializedAndStopped("bounded", checkpoints);

    ShardTestClient second = start("bounded",
        config(ADAM, 1, checkpoints).withLayoutLimits(new LayoutLimits(ExpectedLayout.ANY, P - 1)));
    assertTrue(second.join(0, LAYOUT).getInitialized(), "the bound applies to the allocation a first Join makes");
    assertArrayEquals(INITIAL, second.pull(0).values());
  }

  @Test
  void aCheckpointOfAnotherOptimizerKeepsTheShardFromStarting() throws Exception {
    CheckpointSettings checkpoints = new CheckpointSettings(dir, 0, 3);
    initializedAndStopped("adam", checkpoints);

    CheckpointMismatchException e = assertThrows(CheckpointMismatchException.class,
        () -> new ShardServer(InProcessServerBuilder.forName("sgd"), config(OptimizerConfig.sgd(0.1, 0.9), 1, checkpoints)));
    assertTrue(e.getMessage().startsWith("checkpoint " + dir.resolve("shard-0").resolve("checkpoint-000000000000.bin")
        + " was written by optimizer {name=adam, "), e.getMessage());
    assertTrue(e.getMessage().endsWith("the optimizer state holds buffers [exp_avg, exp_avg_sq], but sgd as configured"
        + " keeps [velocity]"), e.getMessage());
    assertFalse(e.getMessage().contains("\n"));
  }

  @Test
  void aRestoredShardRefusesAWorkerOfAnotherModel() throws Exception {
    CheckpointSettings checkpoints = new CheckpointSettings(dir, 0, 3);
    initializedAndStopped("restored", checkpoints);

    ShardTestClient second = start("restored", config(ADAM, 1, checkpoints));
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> second.join(0, ShardTestClient.layout(P + 1, 1, 0, ShardTestClient.FINGERPRINT)));
    assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());
    assertEquals("layout mismatch: num_params 7 of the worker's model 'test' is not the layout this shard serves",
        e.getStatus().getDescription(), "the worker's value, not the shard's");
    second.join(0, LAYOUT);
    assertArrayEquals(INITIAL, second.pull(0).values(), "the restored values are untouched");
  }

  @Test
  void aRetryOfAPushTheCheckpointHoldsIsNotAppliedAgainAfterARestart() throws Exception {
    ServerConfig config = config(ADAM, 1, new CheckpointSettings(dir, 0, 3));
    ShardTestClient first = start("retried", config);
    first.join(0, LAYOUT, 7);
    first.initialize(0, INITIAL);
    train(first, 0, 4);
    servers.server(0).stop(); // its final checkpoint holds steps 0..3 and worker 0's session

    ShardTestClient second = start("retried", config);
    second.join(0, LAYOUT, 7); // the same worker process reconnects
    ShardTestClient.Slice retry = second.push(0, 3, 3, gradient(3)).join();
    assertTrue(retry.duplicate(), "step 3 is in the checkpoint: its retry is answered, not applied");
    assertEquals(4, retry.version());
    train(second, 4, 6);
    assertEquals(1, second.status().getPushesDeduplicated());

    servers.server(1).stop();
    ShardTestClient third = start("retried", config);
    third.join(0, LAYOUT, 8); // a restarted worker process: its step 3 is new
    assertFalse(third.push(0, 6, 3, gradient(3)).join().duplicate());
    assertEquals(7, third.status().getVersion());
  }
}
