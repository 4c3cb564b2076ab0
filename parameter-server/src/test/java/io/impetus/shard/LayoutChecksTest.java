package io.impetus.shard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.impetus.optim.OptimizerConfig;
import io.impetus.proto.InitializeChunk;
import io.impetus.proto.Layout;
import io.impetus.proto.StatusReply;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What a caller can make a shard hold before it has joined: nothing. A Join of another layout than
 * the expected one, or of more parameters than the shard accepts, is refused before anything is
 * allocated (the shard stays without a layout, and the right Join then works); an Initialize of an
 * initialized shard is answered at its first chunk; a refusal never shows the shard's fingerprint.
 */
class LayoutChecksTest {
  private static final long P = 9;
  private static final float[] INIT = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  private final InProcessShardServers servers = new InProcessShardServers();
  private int started;

  @AfterEach
  void tearDown() {
    servers.close();
  }

  private ShardTestClient start(LayoutLimits limits) throws Exception {
    ServerConfig config = new ServerConfig("127.0.0.1", 0, 0, 1, 2, ConsistencyMode.ASYNC, OptimizerConfig.sgd(0.5, 0))
        .withLayoutLimits(limits);
    return servers.start("layout-checks-" + started++, config);
  }

  private static Layout layout(long numParams, long fingerprint) {
    return ShardTestClient.layout(numParams, 1, 0, fingerprint);
  }

  private static StatusRuntimeException refusedJoin(ShardTestClient shard, Layout layout) {
    return assertThrows(StatusRuntimeException.class, () -> shard.join(0, layout));
  }

  private static void assertHoldsNothing(ShardTestClient shard) {
    StatusReply status = shard.status();
    assertFalse(status.getInitialized());
    assertEquals(0, status.getNumParams(), "no layout fixed");
    assertEquals(0, status.getRangeEnd(), "no slice");
    assertEquals(0, status.getWorkersCount(), "nobody joined");
  }

  /** A refused call's status, whether the call threw it or failed its future. */
  private static Status refusal(CompletableFuture<?> call) throws Exception {
    ExecutionException e = assertThrows(ExecutionException.class, () -> call.get(10, TimeUnit.SECONDS));
    return Status.fromThrowable(e.getCause());
  }

  @Test
  void aFreshShardExpectingAModelRefusesTheFirstJoinOfAnotherBeforeAllocatingAndTakesTheRightOne() throws Exception {
    ShardTestClient shard = start(new LayoutLimits(ExpectedLayout.of(P, ShardTestClient.FINGERPRINT), 0));

    StatusRuntimeException otherSize = refusedJoin(shard, layout(P + 1, ShardTestClient.FINGERPRINT));
    assertEquals(Status.Code.FAILED_PRECONDITION, otherSize.getStatus().getCode());
    assertEquals("layout mismatch: num_params 10 of the worker's model 'test' is not the layout this shard serves",
        otherSize.getStatus().getDescription());
    StatusRuntimeException otherModel = refusedJoin(shard, layout(P, 42));
    assertEquals(Status.Code.FAILED_PRECONDITION, otherModel.getStatus().getCode());
    assertEquals("layout mismatch: fingerprint 000000000000002a of the worker's model 'test' is not the layout this "
        + "shard serves", otherModel.getStatus().getDescription());
    assertHoldsNothing(shard);

    assertEquals(P, shard.join(0, layout(P, ShardTestClient.FINGERPRINT)).getRangeEnd());
    assertFalse(shard.initialize(0, INIT).getAlreadyInitialized());
    assertArrayEquals(INIT, shard.pull(0).values());
  }

  @Test
  void aShardExpectingOnlyANumberOfParametersTakesAnyFingerprintOfThatSize() throws Exception {
    ShardTestClient shard = start(new LayoutLimits(ExpectedLayout.ofNumParams(P), 0));
    assertEquals(Status.Code.FAILED_PRECONDITION, refusedJoin(shard, layout(P - 1, 7)).getStatus().getCode());
    assertHoldsNothing(shard);
    assertEquals(P, shard.join(0, layout(P, 7)).getRangeEnd());
  }

  @Test
  void aHugeNumParamsIsRefusedBeforeAllocatingWhateverTheHeap() throws Exception {
    ShardTestClient shard = start(LayoutLimits.DEFAULT);
    long huge = 1L << 40; // 4 TiB of float32: more than any test JVM's heap holds
    StatusRuntimeException e = refusedJoin(shard, layout(huge, ShardTestClient.FINGERPRINT));
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    assertTrue(e.getStatus().getDescription().startsWith("num_params 1099511627776 exceeds the "),
        e.getStatus().getDescription());
    assertTrue(e.getStatus().getDescription().endsWith(" parameters this shard accepts (--max-params)"),
        e.getStatus().getDescription());
    assertHoldsNothing(shard);
    assertEquals(P, shard.join(0, layout(P, ShardTestClient.FINGERPRINT)).getRangeEnd());
  }

  @Test
  void maxParamsRefusesAJoinOfOneParameterMoreThanItAllows() throws Exception {
    ShardTestClient shard = start(new LayoutLimits(ExpectedLayout.ANY, P));
    StatusRuntimeException e = refusedJoin(shard, layout(P + 1, ShardTestClient.FINGERPRINT));
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    assertEquals("num_params 10 exceeds the 9 parameters this shard accepts (--max-params)",
        e.getStatus().getDescription());
    assertHoldsNothing(shard);
    assertEquals(P, shard.join(0, layout(P, ShardTestClient.FINGERPRINT)).getRangeEnd());
  }

  @Test
  void aJoinForNoParametersAnotherShardOrAnotherPlanIsInvalidAndNamesTheCallersValue() throws Exception {
    ShardTestClient shard = start(LayoutLimits.DEFAULT);
    assertInvalid("num_params must be at least 1, got 0", refusedJoin(shard, layout(0, 1)));
    assertInvalid("num_params must be at least 1, got -5", refusedJoin(shard, layout(-5, 1)));
    assertInvalid("shard_index 3 is not this shard's index",
        refusedJoin(shard, ShardTestClient.layout(P, 1, 3, 1)));
    assertInvalid("num_shards 4 is not the number of shards of this shard's plan",
        refusedJoin(shard, ShardTestClient.layout(P, 4, 0, 1)));
    assertInvalid("the model name has 257 characters, more than 256",
        refusedJoin(shard, layout(P, 1).toBuilder().setModel("m".repeat(257)).build()));
    assertHoldsNothing(shard);
  }

  private static void assertInvalid(String message, StatusRuntimeException e) {
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    assertEquals(message, e.getStatus().getDescription());
  }

  @Test
  void aLayoutMismatchNamesTheCallersValueAndNeverTheShardsFingerprint() throws Exception {
    ShardTestClient shard = start(LayoutLimits.DEFAULT);
    shard.join(0, layout(P, ShardTestClient.FINGERPRINT));
    shard.initialize(0, INIT);
    for (Layout other : new Layout[] {layout(P, 42), layout(P + 1, 42), layout(P + 1, ShardTestClient.FINGERPRINT)}) {
      String refusal = refusedJoin(shard, other).getStatus().getDescription();
      assertTrue(refusal.startsWith("layout mismatch: "), refusal);
      assertFalse(refusal.contains(String.format("%016x", ShardTestClient.FINGERPRINT)), refusal);
      assertFalse(refusal.contains(String.format("%x", ShardTestClient.FINGERPRINT)), refusal);
      assertFalse(refusal.contains(Long.toString(ShardTestClient.FINGERPRINT)), refusal);
      assertFalse(refusal.contains(" " + P + " "), "the shard's number of parameters: " + refusal);
    }
  }

  @Test
  void reinitializingAnInitializedShardIsAnsweredAtTheFirstChunkAndChangesNothing() throws Exception {
    ShardTestClient shard = start(LayoutLimits.DEFAULT);
    shard.join(0, layout(P, ShardTestClient.FINGERPRINT));
    shard.join(1, layout(P, ShardTestClient.FINGERPRINT));
    shard.initialize(0, INIT);

    ShardTestClient.OpenInitialize again = shard.openInitialize();
    again.chunks().onNext(shard.keyed(ShardTestClient.initialChunk(1, 0, 1e30f, 1e30f)));
    // Answered while the call is still open: the shard kept nothing of it, and reads the rest unkept.
    assertTrue(again.reply().get(10, TimeUnit.SECONDS).getAlreadyInitialized());
    again.chunks().onNext(ShardTestClient.initialChunk(1, 2, 1e30f));
    again.chunks().onCompleted();
    assertTrue(shard.initialize(1, new float[(int) P]).getAlreadyInitialized(), "a whole slice, too");
    assertArrayEquals(INIT, shard.pull(0).values());
    assertEquals(0, shard.status().getVersion());
  }

  @Test
  void onlyALiveJoinedWorkerMayInitializeAndItIsToldAtTheFirstChunk() throws Exception {
    ShardTestClient shard = start(LayoutLimits.DEFAULT);
    shard.join(0, layout(P, ShardTestClient.FINGERPRINT));
    ShardTestClient.OpenInitialize stranger = shard.openInitialize();
    stranger.chunks().onNext(ShardTestClient.initialChunk(1, 0, 1e30f));
    Status refused = refusal(stranger.reply());
    assertEquals(Status.Code.NOT_FOUND, refused.getCode());
    assertEquals("worker 1 has not joined shard 0", refused.getDescription());
    stranger.chunks().onCompleted();
    shard.leave(0);
    Status left = refusal(shard.initialize(ShardTestClient.initialChunk(0, 0, INIT)));
    assertEquals(Status.Code.FAILED_PRECONDITION, left.getCode(), "a worker that left, presenting its session's key");
    assertEquals("worker 0 has left shard 0; join again to train", left.getDescription());
    assertFalse(shard.status().getInitialized());
  }

  @Test
  void aWorkerHoldsOneInitializeBufferAtATimeAndGetsItBackWhenItsCallEnds() throws Exception {
    ShardTestClient shard = start(LayoutLimits.DEFAULT);
    shard.join(0, layout(P, ShardTestClient.FINGERPRINT));
    ShardTestClient.OpenInitialize first = shard.openInitialize();
    first.chunks().onNext(shard.keyed(ShardTestClient.initialChunk(0, 0, 1, 2, 3)));

    Status second = refusal(shard.initialize(ShardTestClient.initialChunk(0, 0, INIT)));
    assertEquals(Status.Code.FAILED_PRECONDITION, second.getCode());
    assertEquals("worker 0 already has an Initialize call in flight to shard 0", second.getDescription());

    first.chunks().onNext(ShardTestClient.initialChunk(0, 7, 1)); // a gap: refused, and its buffer given back
    assertEquals(Status.Code.INVALID_ARGUMENT, refusal(first.reply()).getCode());
    first.chunks().onCompleted();
    assertFalse(shard.initialize(0, INIT).getAlreadyInitialized(), "the next call of the worker may buffer");
    assertArrayEquals(INIT, shard.pull(0).values());
  }

  @Test
  void initialValueChunksOutOfPlaceOrOfPartialFloatsAreInvalidNamingTheProblem() throws Exception {
    ShardTestClient shard = start(LayoutLimits.DEFAULT);
    shard.join(0, layout(P, ShardTestClient.FINGERPRINT));
    assertChunksRefused(shard, "initial values chunk at offset -4 is negative (chunks must follow each other: "
        + "expected offset 0)", ShardTestClient.initialChunk(0, -4, 1, 2));
    assertChunksRefused(shard, "initial values chunk at offset 1 overlaps the values received before it (chunks "
        + "must follow each other: expected offset 3)", ShardTestClient.initialChunk(0, 0, 1, 2, 3),
        ShardTestClient.initialChunk(0, 1, 4));
    assertChunksRefused(shard, "initial values chunk at offset 5 leaves a gap after the values received (chunks "
        + "must follow each other: expected offset 3)", ShardTestClient.initialChunk(0, 0, 1, 2, 3),
        ShardTestClient.initialChunk(0, 5, 4));
    assertChunksRefused(shard, "initial values has more than the 9 values this shard holds",
        ShardTestClient.initialChunk(0, 0, 1, 2, 3, 4, 5, 6, 7, 8), ShardTestClient.initialChunk(0, 8, 9, 10));
    InitializeChunk threeBytes = ShardTestClient.initialChunk(0, 0).toBuilder()
        .setValues(ByteString.copyFrom(new byte[] {1, 2, 3})).build();
    assertChunksRefused(shard, "initial values: float32 payload has 3 bytes, which is not a multiple of 4", threeBytes);
    assertChunksRefused(shard, "empty Initialize: no chunk of initial values");
    assertChunksRefused(shard, "initial values have 2 floats, shard 0 expects 9", ShardTestClient.initialChunk(0, 0, 1, 2));
    assertFalse(shard.status().getInitialized());
    assertFalse(shard.initialize(0, INIT).getAlreadyInitialized(), "a well-formed Initialize still works");
  }

  private static void assertChunksRefused(ShardTestClient shard, String message, InitializeChunk... chunks)
      throws Exception {
    Status refused = refusal(shard.initialize(chunks));
    assertEquals(Status.Code.INVALID_ARGUMENT, refused.getCode(), message);
    assertEquals(message, refused.getDescription());
  }
}
