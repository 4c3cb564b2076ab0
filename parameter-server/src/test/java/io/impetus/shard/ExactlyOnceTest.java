package io.impetus.shard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.inprocess.InProcessServerBuilder;
import io.impetus.optim.OptimizerConfig;
import io.impetus.proto.Layout;
import io.impetus.proto.StatusReply;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every push carries an id, (worker, step). A push repeated after its reply was lost is recognised,
 * answered as the first was, and never applied twice; the shard's status counts applied,
 * deduplicated and refused pushes.
 */
class ExactlyOnceTest {
  private static final int P = 5;
  private static final Layout LAYOUT = ShardTestClient.layout(P, 1, 0, ShardTestClient.FINGERPRINT);
  private static final float[] INITIAL = {1f, -2f, 0.5f, 3f, -0.25f};
  /** SGD with momentum: applying a gradient twice would show in every later step. */
  private static final OptimizerConfig SGD = OptimizerConfig.sgd(0.05, 0.9);
  private static final int STEPS = 12;

  private final InProcessShardServers servers = new InProcessShardServers();

  @AfterEach
  void tearDown() {
    servers.close();
  }

  private ShardTestClient start(ConsistencyMode mode, int workers, LosingReplies losing) throws Exception {
    ServerConfig config = new ServerConfig("127.0.0.1", 0, 0, 1, workers, mode, SGD);
    ShardTestClient shard = servers.start(InProcessServerBuilder.generateName(), config,
        b -> losing == null ? b : b.intercept(losing));
    for (int w = 0; w < workers; w++) {
      shard.join(w, LAYOUT, 100 + w);
    }
    shard.initialize(0, INITIAL);
    return shard;
  }

  private static float[] gradient(int worker, long step) {
    Random r = new Random(31L * step + worker);
    float[] g = new float[P];
    for (int i = 0; i < P; i++) {
      g[i] = (float) r.nextGaussian();
    }
    return g;
  }

  /** A client that retries a push whose reply was lost, with the same id, until it gets an answer. */
  private static CompletableFuture<ShardTestClient.Slice> pushRetrying(ShardTestClient shard, int worker, long read,
      long step) {
    return shard.push(worker, read, step, gradient(worker, step)).handle((slice, failure) -> {
      if (failure == null) {
        return CompletableFuture.completedFuture(slice);
      }
      Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
      assertEquals(Status.Code.UNAVAILABLE, Status.fromThrowable(cause).getCode(), cause.toString());
      return pushRetrying(shard, worker, read, step);
    }).thenCompose(f -> f);
  }

  /** {@code workers} workers each push STEPS steps (in sync mode together); returns the final parameters. */
  private static float[] train(ShardTestClient shard, int workers, List<ShardTestClient.Slice> answers) {
    long[] read = new long[workers];
    for (long step = 0; step < STEPS; step++) {
      List<CompletableFuture<ShardTestClient.Slice>> pushes = new ArrayList<>();
      for (int w = 0; w < workers; w++) {
        pushes.add(pushRetrying(shard, w, read[w], step));
      }
      for (int w = 0; w < workers; w++) {
        ShardTestClient.Slice answer = pushes.get(w).join();
        answers.add(answer);
        read[w] = answer.version();
      }
    }
    return shard.pull(0).values();
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = ConsistencyMode.class, names = {"ASYNC", "SYNC"})
  void aPushRetriedAfterItsReplyWasLostIsAppliedOnceAndAnsweredAsTheFirst(ConsistencyMode mode) throws Exception {
    int workers = 2;
    float[] expected = train(start(mode, workers, null), workers, new ArrayList<>());

    LosingReplies losing = new LosingReplies(k -> k % 3 == 1); // every third reply is lost
    ShardTestClient lossy = start(mode, workers, losing);
    List<ShardTestClient.Slice> answers = new ArrayList<>();
    float[] actual = train(lossy, workers, answers);

    assertTrue(losing.lost() >= STEPS / 2, "replies lost: " + losing.lost());
    assertArrayEquals(ShardTestClientBits.of(expected), ShardTestClientBits.of(actual),
        "every gradient applied exactly once, in the same order");
    StatusReply status = lossy.status();
    assertEquals(mode == ConsistencyMode.SYNC ? STEPS : (long) STEPS * workers, status.getVersion());
    assertEquals((long) STEPS * workers, status.getPushesApplied());
    assertEquals(losing.lost(), status.getPushesDeduplicated(), "each retry recognised as a repeat");
    assertEquals(0, status.getPushesRefused());
    assertEquals(losing.lost(), answers.stream().filter(ShardTestClient.Slice::duplicate).count());
    assertTrue(answers.stream().noneMatch(ShardTestClient.Slice::dropped));
  }

  @Test
  void aRepeatIsRecognisedAcrossAReconnectOfTheSameProcessButNotFromARestartedWorker() throws Exception {
    ShardTestClient shard = start(ConsistencyMode.ASYNC, 1, null);
    float[] g = gradient(0, 0);
    assertFalse(shard.push(0, 0, 0, g).join().duplicate());
    // The same process joins again (a reconnect) and sends step 0 once more: not applied.
    shard.join(0, LAYOUT, 100);
    ShardTestClient.Slice repeat = shard.push(0, 1, 0, g).join();
    assertTrue(repeat.duplicate());
    assertEquals(1, repeat.version());
    // A restarted worker (a new session) counts its steps afresh: its step 0 is a new gradient.
    shard.join(0, LAYOUT, 200);
    ShardTestClient.Slice fresh = shard.push(0, 1, 0, g).join();
    assertFalse(fresh.duplicate());
    assertEquals(2, fresh.version());
    StatusReply status = shard.status();
    assertEquals(2, status.getPushesApplied());
    assertEquals(1, status.getPushesDeduplicated());
  }

  @Test
  void refusedPushesAreCountedApartFromAppliedAndDeduplicatedOnes() throws Exception {
    ShardTestClient shard = start(ConsistencyMode.ASYNC, 1, null);
    CompletionException unknown = assertThrows(CompletionException.class,
        () -> shard.push(3, 0, 0, new float[P]).join());
    assertEquals(Status.Code.NOT_FOUND, Status.fromThrowable(unknown.getCause()).getCode(), "worker 3 never joined");
    assertThrows(CompletionException.class, () -> shard.push(0, 0, 0, new float[] {1, Float.NaN, 0, 0, 0}).join());
    shard.push(0, 0, 0, gradient(0, 0)).join();
    StatusReply status = shard.status();
    assertEquals(2, status.getPushesRefused());
    assertEquals(1, status.getPushesApplied());
    assertEquals(0, status.getPushesDeduplicated());
    assertTrue(status.getRejectedMap().containsKey("non_finite"), status.getRejectedMap().toString());
  }
}
