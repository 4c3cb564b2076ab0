package io.impetus.shard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.impetus.optim.OptimizerConfig;
import io.impetus.optim.OptimizerKind;
import io.impetus.proto.AttachSegmentRequest;
import io.impetus.proto.FloatEncoding;
import io.impetus.proto.PushHeader;
import io.impetus.proto.SharedPushReply;
import io.impetus.proto.StatusReply;
import io.impetus.wire.Reason;
import io.impetus.wire.Refusal;
import io.impetus.wire.SharedSegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The shard's shared-memory data plane over the in-process transport: AttachSegment and
 * PushPullSharedStream, what they change (exactly what a streamed push would) and how they refuse.
 * Every shard here is shard 1 of 2 (see {@link SharedMemoryShards}).
 */
class SharedMemoryShardTest extends SharedMemoryShards {
  /** A shard accepting segments from {@code dir} (null: started with --no-shm). */
  private ShardTestClient start(ConsistencyMode mode, OptimizerConfig optimizer, Path dir) throws Exception {
    return serve(mode, optimizer, config -> config.withSharedMemoryDir(dir));
  }

  private ShardTestClient start(OptimizerConfig optimizer) throws Exception {
    return start(ConsistencyMode.ASYNC, optimizer, shm);
  }

  /** Worker {@code worker}'s segment for shard 1, attached. */
  private SharedSegment attached(ShardTestClient shard, int worker) throws Exception {
    SharedSegment segment = SharedSegment.create(shm, "w" + worker + "-s1", SLICE);
    shard.attach(worker, segment);
    return segment;
  }

  private static StatusRuntimeException failure(Runnable call) {
    CompletionException e = assertThrows(CompletionException.class, call::run);
    assertTrue(e.getCause() instanceof StatusRuntimeException, "expected a gRPC status, got " + e.getCause());
    return (StatusRuntimeException) e.getCause();
  }

  private static void assertStatus(Status.Code code, String message, StatusRuntimeException e) {
    assertEquals(code, e.getStatus().getCode(), e.getMessage());
    assertEquals(message, e.getStatus().getDescription());
  }

  /** One worker's push-pull of a gradient, by one transport or the other. */
  @FunctionalInterface
  private interface Push {
    CompletableFuture<ShardTestClient.Slice> push(int worker, long readVersion, long step, float[] gradient);
  }

  /**
   * Workers 0 and 1 each push five gradients (not dyadic: rounding would show any difference), both
   * pushes of a step made before either reply is awaited, each with the version of its last reply.
   */
  private static List<ShardTestClient.Slice> train(Push push) {
    List<ShardTestClient.Slice> replies = new ArrayList<>();
    long[] read = new long[2];
    for (long step = 0; step < 5; step++) {
      List<CompletableFuture<ShardTestClient.Slice>> inFlight = new ArrayList<>();
      for (int worker = 0; worker < 2; worker++) {
        float[] g = new float[SLICE];
        for (int i = 0; i < SLICE; i++) {
          g[i] = (float) Math.sin(1 + 7 * worker + 3 * step + i) * 0.3f;
        }
        inFlight.add(push.push(worker, read[worker], step, g));
      }
      for (int worker = 0; worker < 2; worker++) {
        ShardTestClient.Slice reply = inFlight.get(worker).join();
        read[worker] = reply.version();
        replies.add(reply);
      }
    }
    return replies;
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = ConsistencyMode.class, names = {"ASYNC", "SYNC"})
  void aPushThroughSharedMemoryChangesTheShardBitForBitAsTheSameStreamedPush(ConsistencyMode mode) throws Exception {
    OptimizerConfig adam = OptimizerConfig.defaults(OptimizerKind.ADAM, 0.01);
    ShardTestClient streamed = start(mode, adam, shm);
    ShardTestClient shared = start(mode, adam, shm);
    streamed.join(1, LAYOUT);
    shared.join(1, LAYOUT);
    SharedSegment[] segments = {attached(shared, 0), attached(shared, 1)};

    List<ShardTestClient.Slice> byStream = train(streamed::push);
    List<ShardTestClient.Slice> byShm = train((w, read, step, g) -> shared.pushShared(w, read, step, g, segments[w]));

    for (int k = 0; k < byStream.size(); k++) {
      ShardTestClient.Slice expected = byStream.get(k);
      ShardTestClient.Slice actual = byShm.get(k);
      // Async applies each gradient (version k + 1), every one but the first read one update before
      // it was applied (staleness 1); sync applies one average per step and answers both with it.
      long version = mode == ConsistencyMode.ASYNC ? k + 1 : k / 2 + 1;
      long staleness = mode == ConsistencyMode.ASYNC ? Math.min(k, 1) : 0;
      assertEquals(version, expected.version(), "reply " + k);
      assertEquals(staleness, expected.staleness(), "reply " + k);
      assertEquals(expected.version(), actual.version(), "reply " + k);
      assertEquals(expected.staleness(), actual.staleness(), "reply " + k);
      assertEquals(expected.stepLag(), actual.stepLag(), "reply " + k);
      assertEquals(expected.dropped(), actual.dropped(), "reply " + k);
      assertArrayEquals(bits(expected.values()), bits(actual.values()), "reply " + k);
    }
    assertNotEquals(INIT[0], byShm.get(byShm.size() - 1).values()[0]);
    assertArrayEquals(bits(streamed.pull(0).values()), bits(shared.pull(0).values()));
    StatusReply before = streamed.status();
    StatusReply after = shared.status();
    assertEquals(before.getVersion(), after.getVersion());
    assertEquals(before.getStaleness(), after.getStaleness());
    assertEquals(before.getStepLag(), after.getStepLag());
    assertEquals(Map.of(), after.getRejectedMap());
  }

  @Test
  void aSyncRoundAnswersASharedMemoryPushAndAStreamedPushWithTheSameAverage() throws Exception {
    ShardTestClient shard = start(ConsistencyMode.SYNC, OptimizerConfig.sgd(0.5, 0.0), shm);
    shard.join(1, LAYOUT);
    SharedSegment segment = attached(shard, 0);
    CompletableFuture<ShardTestClient.Slice> a = shard.pushShared(0, 0, 0, new float[] {1, 2, 0, -0.5f}, segment);
    assertFalse(a.isDone(), "the round waits for worker 1");
    ShardTestClient.Slice b = shard.push(1, 0, 0, new float[] {3, -2, 1, 0.5f}).join();
    // average (2, 0, 0.5, 0); p = INIT - 0.5 * average
    assertArrayEquals(new float[] {-0.5f, -1.25f, 2.75f, 0.1f}, b.values());
    assertArrayEquals(b.values(), a.join().values());
    assertEquals(1, a.join().version());
    assertEquals(1, b.version());
  }

  @Test
  void aNonFiniteGradientThroughSharedMemoryIsRefusedNamingItAndChangesNothing() throws Exception {
    ShardTestClient shard = start(OptimizerConfig.sgd(0.5, 0.9));
    SharedSegment segment = attached(shard, 0);
    shard.pushShared(0, 0, 0, new float[] {1, 1, 1, 1}, segment).join(); // a momentum buffer a bad push must not touch
    float[] before = shard.pull(0).values();

    StatusRuntimeException nan = failure(() -> shard.pushShared(0, 1, 1, new float[] {0, Float.NaN, 0, 0}, segment).join());
    assertStatus(Status.Code.INVALID_ARGUMENT, "gradient value 1 of shard 1 is NaN (worker 0, step 1)", nan);
    StatusRuntimeException inf =
        failure(() -> shard.pushShared(0, 1, 2, new float[] {0, 0, 0, Float.NEGATIVE_INFINITY}, segment).join());
    assertStatus(Status.Code.INVALID_ARGUMENT, "gradient value 3 of shard 1 is -Infinity (worker 0, step 2)", inf);
    ShardTestClient.Slice after = shard.pull(0);
    assertArrayEquals(before, after.values());
    assertEquals(1, after.version());
    assertEquals(Map.of("non_finite", 2L), shard.status().getRejectedMap());

    // The worker's buffer was released: its next push goes through, from the same momentum buffer
    // (v = 0.9 * 1 + 1, p -= 0.5 * v).
    ShardTestClient.Slice next = shard.pushShared(0, 1, 3, new float[] {1, 1, 1, 1}, segment).join();
    assertEquals(2, next.version());
    assertEquals(before[0] - 0.5f * (0.9f * 1f + 1f), next.values()[0], 0f);
  }

  @Test
  void theSharedMemoryPathRefusesAPushThatDeclaresAnEncodingOtherThanFloat32() throws Exception {
    ShardTestClient shard = start(OptimizerConfig.sgd(0.5, 0.0));
    SharedSegment segment = attached(shard, 0);
    PushHeader bf16 = ShardTestClient.header(0, 0, 0, SLICE).toBuilder().setReplyEncoding(FloatEncoding.BF16).build();
    StatusRuntimeException e = failure(() -> shard.pushShared(bf16, new float[] {1, 1, 1, 1}, segment).join());
    assertStatus(Status.Code.INVALID_ARGUMENT,
        "the shared-memory path carries float32 only, but the push header declares encoding 0, reply_encoding 1", e);
    assertEquals(Map.of("malformed", 1L), shard.status().getRejectedMap());
    assertEquals(0, shard.pull(0).version());
    assertEquals(1, shard.pushShared(0, 0, 0, new float[] {1, 1, 1, 1}, segment).join().version(),
        "nothing stays claimed");
  }

  @Test
  void theSharedMemoryPathRefusesANegativeStepLikeTheStreamedOneAndStoresNothing() throws Exception {
    ShardTestClient shard = start(OptimizerConfig.sgd(0.5, 0.0));
    SharedSegment segment = attached(shard, 0);
    StatusRuntimeException e = failure(() -> shard.pushShared(0, 0, -479552262234452768L, new float[] {1, 1, 1, 1},
        segment).join());
    assertStatus(Status.Code.INVALID_ARGUMENT, "worker_step -479552262234452768 is negative", e);
    assertEquals(-1, shard.status().getWorkers(0).getLastStep());
    assertEquals(1, shard.pushShared(0, 0, 0, new float[] {1, 1, 1, 1}, segment).join().version(),
        "nothing stays claimed");
    assertEquals(0, shard.status().getWorkers(0).getLastStep());
  }

  @Test
  void aSharedPushWithoutAnAttachedSegmentIsNotFoundAndTheStreamedPathStillWorks() throws Exception {
    ShardTestClient shard = start(OptimizerConfig.sgd(0.5, 0.0));
    SharedSegment unattached = SharedSegment.create(shm, "w0-s1", SLICE);
    StatusRuntimeException e = failure(() -> shard.pushShared(0, 0, 0, new float[] {1, 1, 1, 1}, unattached).join());
    assertStatus(Status.Code.NOT_FOUND,
        "worker 0 has no shared-memory segment attached to shard 1; join and attach again", e);
    assertEquals(Map.of("no_segment", 1L), shard.status().getRejectedMap());
    assertEquals(0, shard.pull(0).version());
    // Nothing stays claimed by the refused push.
    assertArrayEquals(new float[] {0f, -1.75f, 2.5f, -0.4f}, shard.push(0, 0, 0, new float[] {1, 1, 1, 1}).join().values());
  }

  @Test
  void onAPushStreamARefusedPushIsAnsweredInBandTheNextIsAppliedAndStoppingTheShardEndsTheStream()
      throws Exception {
    ShardTestClient shard = start(OptimizerConfig.sgd(0.5, 0));
    SharedSegment segment = attached(shard, 0);
    BlockingQueue<SharedPushReply> replies = new LinkedBlockingQueue<>();
    CompletableFuture<Void> ended = new CompletableFuture<>();
    StreamObserver<PushHeader> stream = shard.pushStream(new StreamObserver<>() {
      @Override
      public void onNext(SharedPushReply reply) {
        replies.add(reply);
      }

      @Override
      public void onError(Throwable t) {
        ended.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {
        ended.complete(null);
      }
    });

    segment.writeGradient(new float[] {1f, Float.NaN, 0f, 0f}, 0);
    stream.onNext(shard.keyed(ShardTestClient.header(0, 0, 0, SLICE)));
    SharedPushReply refused = replies.poll(30, TimeUnit.SECONDS);
    assertFalse(refused.hasHeader());
    assertEquals(Status.Code.INVALID_ARGUMENT.value(), refused.getErrorCode());
    assertEquals("gradient value 1 of shard 1 is NaN (worker 0, step 0)", refused.getErrorMessage());

    float[] g = {1f, 0.5f, -2f, 0.25f};
    segment.writeGradient(g, 0);
    stream.onNext(shard.keyed(ShardTestClient.header(0, 0, 1, SLICE)));
    SharedPushReply applied = replies.poll(30, TimeUnit.SECONDS);
    assertEquals(1, applied.getHeader().getVersion(), "the refused push changed nothing, this one applied");
    assertEquals(SLICE, applied.getHeader().getLength());
    float[] slice = new float[SLICE];
    segment.readSlice(slice, 0);
    float[] expected = new float[SLICE];
    for (int i = 0; i < SLICE; i++) {
      expected[i] = INIT[i] - 0.5f * g[i];
    }
    assertArrayEquals(bits(expected), bits(slice));
    assertEquals(Map.of("non_finite", 1L), shard.status().getRejectedMap());

    // A stopping shard ends the stream itself (a worker would otherwise keep it open, and the
    // graceful shutdown would run into its timeout and cancel it).
    servers.get(0).stop();
    ended.get(30, TimeUnit.SECONDS);
    assertTrue(replies.isEmpty());
  }

  @Test
  void attachingAgainReplacesTheWorkersSegment() throws Exception {
    ShardTestClient shard = start(OptimizerConfig.sgd(0.5, 0.0));
    SharedSegment first = attached(shard, 0);
    SharedSegment second = attached(shard, 0);
    first.writeGradient(new float[] {100, 100, 100, 100}, 0); // no longer read by the shard
    ShardTestClient.Slice reply = shard.pushShared(0, 0, 0, new float[] {1, 1, 1, 1}, second).join();
    assertArrayEquals(new float[] {0f, -1.75f, 2.5f, -0.4f}, reply.values());
  }

  @Test
  void aShardStartedWithNoShmRefusesEveryAttachWithFailedPrecondition() throws Exception {
    ShardTestClient shard = start(ConsistencyMode.ASYNC, OptimizerConfig.sgd(0.5, 0.0), null);
    SharedSegment segment = SharedSegment.create(shm, "w0-s1", SLICE);
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> shard.attach(0, segment));
    assertStatus(Status.Code.FAILED_PRECONDITION,
        "shard 1 does not accept shared-memory segments (started with --no-shm)", e);
    StatusRuntimeException push = failure(() -> shard.pushShared(0, 0, 0, new float[SLICE], segment).join());
    assertEquals(Status.Code.NOT_FOUND, push.getStatus().getCode());
    // A refused attach is not a refused push: only the push is counted.
    assertEquals(Map.of("no_segment", 1L), shard.status().getRejectedMap());
  }

  @Test
  void attachRefusesAFileThatIsNotTheWorkersSegmentInTheShardsFolder() throws Exception {
    ShardTestClient shard = start(OptimizerConfig.sgd(0.5, 0.0));
    Path elsewhere = Files.createDirectory(tmp.resolve("elsewhere"));
    SharedSegment outside = SharedSegment.create(elsewhere, "w0-s1", SLICE);
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> shard.attach(0, outside));
    assertStatus(Status.Code.FAILED_PRECONDITION, "shard 1 cannot attach worker 0's segment: " + outside.path()
        + " is not inside the shared-memory folder " + shm.toRealPath(), e);

    SharedSegment own = SharedSegment.create(shm, "w0-s1", SLICE);
    AttachSegmentRequest otherNonce = AttachSegmentRequest.newBuilder().setWorkerId(0).setSessionKey(shard.key(0))
        .setPath(own.path().toString())
        .setNonce(own.nonce() ^ 1).setLength(SLICE).build();
    StatusRuntimeException stale = assertThrows(StatusRuntimeException.class, () -> shard.attach(otherNonce));
    assertStatus(Status.Code.FAILED_PRECONDITION, "shard 1 cannot attach worker 0's segment: "
        + shm.toRealPath().resolve(own.path().getFileName()) + " belongs to another worker or attach (nonce or length differ)",
        stale);
  }

  @Test
  void aWorkerThatLeftLosesItsSegmentAndAttachesAgainAfterItRejoins() throws Exception {
    ShardTestClient shard = start(OptimizerConfig.sgd(0.5, 0.0));
    SharedSegment segment = attached(shard, 0);
    assertEquals(1, shard.pushShared(0, 0, 0, new float[] {1, 1, 1, 1}, segment).join().version());
    shard.leave(0);
    shard.join(0, LAYOUT);
    StatusRuntimeException e = failure(() -> shard.pushShared(0, 1, 1, new float[] {1, 1, 1, 1}, segment).join());
    assertStatus(Status.Code.NOT_FOUND,
        "worker 0 has no shared-memory segment attached to shard 1; join and attach again", e);
    assertEquals(Reason.SEGMENT_NOT_ATTACHED, Refusal.of(e).reason(), "the in-band answer carries the reason");
    SharedSegment again = attached(shard, 0);
    assertEquals(2, shard.pushShared(0, 1, 1, new float[] {1, 1, 1, 1}, again).join().version());
  }

  @Test
  void attachNeedsAJoinedWorkerAndTheShardsSliceLength() throws Exception {
    ShardTestClient shard = start(OptimizerConfig.sgd(0.5, 0.0));
    SharedSegment segment = SharedSegment.create(shm, "w1-s1", SLICE);
    StatusRuntimeException never = assertThrows(StatusRuntimeException.class, () -> shard.attach(1, segment));
    assertStatus(Status.Code.NOT_FOUND, "worker 1 has not joined shard 1", never);
    shard.join(1, LAYOUT);
    shard.leave(1);
    StatusRuntimeException left = assertThrows(StatusRuntimeException.class, () -> shard.attach(1, segment));
    assertStatus(Status.Code.FAILED_PRECONDITION, "worker 1 has left shard 1; join again to train", left);

    SharedSegment tooLong = SharedSegment.create(shm, "w0-s1", SLICE + 1);
    StatusRuntimeException wrong = assertThrows(StatusRuntimeException.class, () -> shard.attach(0, tooLong));
    assertStatus(Status.Code.INVALID_ARGUMENT, "segment holds 5 floats, shard 1 has 4", wrong);
  }

  @Test
  void aHeaderBeforeThePreviousPushOnItsStreamWasAnsweredEndsTheStreamAndQueuesNothingMore() throws Exception {
    ShardTestClient shard = start(ConsistencyMode.SYNC, OptimizerConfig.sgd(0.5, 0), shm);
    shard.join(1, LAYOUT);
    SharedSegment segment = attached(shard, 0);
    segment.writeGradient(new float[] {1f, 1f, 1f, 1f}, 0);
    CompletableFuture<Status> ended = new CompletableFuture<>();
    List<SharedPushReply> answers = new CopyOnWriteArrayList<>();
    StreamObserver<PushHeader> stream = shard.pushStream(new StreamObserver<>() {
      @Override
      public void onNext(SharedPushReply reply) {
        answers.add(reply);
      }

      @Override
      public void onError(Throwable t) {
        ended.complete(Status.fromThrowable(t));
      }

      @Override
      public void onCompleted() {
        ended.complete(Status.OK);
      }
    });
    stream.onNext(shard.keyed(ShardTestClient.header(0, 0, 0, SLICE))); // sync: parked until worker 1 pushes
    for (long step = 1; step <= 100; step++) {
      stream.onNext(shard.keyed(ShardTestClient.header(0, 0, step, SLICE)));
    }
    Status status = ended.get(10, TimeUnit.SECONDS);
    assertEquals(Status.Code.FAILED_PRECONDITION, status.getCode());
    assertEquals("a push header of worker 0 arrived before its previous push was answered; one push at a time per"
        + " stream", status.getDescription());
    assertEquals(List.of(), answers);
    assertEquals(0, shard.status().getRejectedMap().getOrDefault("concurrent_push", 0L),
        "the extra headers never reached the shard");
  }
}
