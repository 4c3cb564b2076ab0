package io.impetus.shard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.impetus.optim.OptimizerConfig;
import com.google.protobuf.ByteString;
import io.impetus.proto.FloatEncoding;
import io.impetus.proto.JoinReply;
import io.impetus.proto.PushHeader;
import io.impetus.proto.StatusReply;
import io.impetus.wire.Bf16;
import io.impetus.wire.FloatCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A shard over the in-process transport: every RPC, its numbers, and its refusals. */
class ShardServerTest {
  private final List<ShardServer> servers = new ArrayList<>();
  private final List<ManagedChannel> channels = new ArrayList<>();

  @AfterEach
  void tearDown() {
    channels.forEach(ManagedChannel::shutdownNow);
    servers.forEach(ShardServer::stop);
  }

  private ShardTestClient start(ConsistencyMode mode, int workers, OptimizerConfig optimizer) throws Exception {
    return start(mode, workers, optimizer, 0, 1);
  }

  private ShardTestClient start(ConsistencyMode mode, int workers, OptimizerConfig optimizer, int shard, int shards)
      throws Exception {
    String name = InProcessServerBuilder.generateName();
    ServerConfig config = new ServerConfig("127.0.0.1", 0, shard, shards, workers, mode, optimizer);
    servers.add(new ShardServer(InProcessServerBuilder.forName(name).directExecutor(), config).start());
    ManagedChannel channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    channels.add(channel);
    return new ShardTestClient(channel);
  }

  private static StatusRuntimeException failure(Runnable call) {
    CompletionException e = assertThrows(CompletionException.class, call::run);
    assertTrue(e.getCause() instanceof StatusRuntimeException, "expected a gRPC status, got " + e.getCause());
    return (StatusRuntimeException) e.getCause();
  }

  @Test
  void pushingAGradientKTimesWithPlainSgdSubtractsKTimesLrTimesGradient() throws Exception {
    // Dyadic values: every float operation below is exact, so "exactly" means bit for bit.
    ShardTestClient shard = start(ConsistencyMode.ASYNC, 1, OptimizerConfig.sgd(0.125, 0.0));
    float[] init = {3f, -1f, 0.5f, 8f, 0f};
    float[] g = {1f, -2f, 0.25f, 4f, -0.5f};
    shard.join(0, ShardTestClient.layout(5, 1, 0, ShardTestClient.FINGERPRINT));
    shard.initialize(0, init);
    int k = 7;
    for (int step = 0; step < k; step++) {
      shard.push(0, step, step, g).join();
    }
    ShardTestClient.Slice pulled = shard.pull(0);
    float[] expected = new float[init.length];
    for (int i = 0; i < init.length; i++) {
      expected[i] = init[i] - k * 0.125f * g[i];
    }
    assertArrayEquals(expected, pulled.values());
    assertEquals(k, pulled.version());
  }

  @Test
  void theFirstJoinFixesTheLayoutAndTheFirstInitializationWins() throws Exception {
    ShardTestClient shard = start(ConsistencyMode.ASYNC, 2, OptimizerConfig.sgd(0.1, 0.0), 1, 2);
    JoinReply first = shard.join(0, ShardTestClient.layout(9, 2, 1, ShardTestClient.FINGERPRINT));
    assertFalse(first.getInitialized());
    assertEquals(5, first.getRangeStart());
    assertEquals(9, first.getRangeEnd());
    assertFalse(shard.initialize(0, new float[] {1, 2, 3, 4}).getAlreadyInitialized());
    assertTrue(shard.join(1, ShardTestClient.layout(9, 2, 1, ShardTestClient.FINGERPRINT)).getInitialized());
    assertTrue(shard.initialize(1, new float[] {9, 9, 9, 9}).getAlreadyInitialized());
    assertArrayEquals(new float[] {1, 2, 3, 4}, shard.pull(1).values());
  }

  @Test
  void aJoinWithAnotherLayoutFailsWithFailedPreconditionAndOneForAnotherPlanIsInvalid() throws Exception {
    ShardTestClient shard = start(ConsistencyMode.ASYNC, 2, OptimizerConfig.sgd(0.1, 0.0));
    shard.join(0, ShardTestClient.layout(4, 1, 0, ShardTestClient.FINGERPRINT));
    StatusRuntimeException otherSize = assertThrows(StatusRuntimeException.class,
        () -> shard.join(1, ShardTestClient.layout(5, 1, 0, ShardTestClient.FINGERPRINT)));
    assertEquals(Status.Code.FAILED_PRECONDITION, otherSize.getStatus().getCode());
    assertTrue(otherSize.getStatus().getDescription().contains("layout mismatch"), otherSize.getMessage());
    StatusRuntimeException otherModel = assertThrows(StatusRuntimeException.class,
        () -> shard.join(1, ShardTestClient.layout(4, 1, 0, 42L)));
    assertEquals(Status.Code.FAILED_PRECONDITION, otherModel.getStatus().getCode());
    StatusRuntimeException otherPlan = assertThrows(StatusRuntimeException.class,
        () -> shard.join(1, ShardTestClient.layout(4, 2, 0, ShardTestClient.FINGERPRINT)));
    assertEquals(Status.Code.INVALID_ARGUMENT, otherPlan.getStatus().getCode(), "a request for another plan");
    assertEquals("num_shards 2 is not the number of shards of this shard's plan", otherPlan.getStatus().getDescription());
  }

  @Test
  void aGradientOfTheWrongLengthIsRejectedNamingBothLengthsAndChangesNothing() throws Exception {
    ShardTestClient shard = start(ConsistencyMode.ASYNC, 1, OptimizerConfig.sgd(0.5, 0.9));
    shard.join(0, ShardTestClient.layout(3, 1, 0, ShardTestClient.FINGERPRINT));
    shard.initialize(0, new float[] {1, 2, 3});
    StatusRuntimeException e = failure(() -> shard.push(0, 0, 0, new float[] {1, 1}).join());
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    assertEquals("gradient has 2 values, shard 0 expects 3", e.getStatus().getDescription());
    // A header that lies about the length is caught when the data runs short.
    StatusRuntimeException shortData = failure(() -> shard.push(
        ShardTestClient.header(0, 0, 0, 3), new float[] {1, 1}).join());
    assertEquals("gradient has 2 values, shard 0 expects 3", shortData.getStatus().getDescription());
    ShardTestClient.Slice after = shard.pull(0);
    assertArrayEquals(new float[] {1, 2, 3}, after.values());
    assertEquals(0, after.version());
    assertEquals(2L, shard.status().getRejectedMap().get("wrong_length"));
  }

  @Test
  void aNanOrInfiniteGradientIsRejectedAndTheShardIsUnchanged() throws Exception {
    ShardTestClient shard = start(ConsistencyMode.ASYNC, 1, OptimizerConfig.sgd(0.5, 0.9));
    shard.join(0, ShardTestClient.layout(3, 1, 0, ShardTestClient.FINGERPRINT));
    shard.initialize(0, new float[] {1, 2, 3});
    shard.push(0, 0, 0, new float[] {1, 1, 1}).join(); // builds a momentum buffer that a bad push must not touch
    float[] before = shard.pull(0).values();
    StatusRuntimeException nan = failure(() -> shard.push(0, 1, 1, new float[] {0, Float.NaN, 0}).join());
    assertEquals(Status.Code.INVALID_ARGUMENT, nan.getStatus().getCode());
    assertTrue(nan.getStatus().getDescription().startsWith("gradient value 1 of shard 0 is NaN"), nan.getMessage());
    StatusRuntimeException inf = failure(() -> shard.push(0, 1, 1, new float[] {0, 0, Float.POSITIVE_INFINITY}).join());
    assertEquals(Status.Code.INVALID_ARGUMENT, inf.getStatus().getCode());
    ShardTestClient.Slice after = shard.pull(0);
    assertArrayEquals(before, after.values());
    assertEquals(1, after.version());
    // The next good push continues from the same momentum buffer: v = 0.9*1 + 1, p -= 0.5*v.
    float[] next = shard.push(0, 1, 1, new float[] {1, 1, 1}).join().values();
    assertEquals(before[0] - 0.5f * (0.9f * 1f + 1f), next[0], 0f);
  }

  @Test
  void aPushFromAWorkerThatNeverJoinedIsNotFound() throws Exception {
    ShardTestClient shard = start(ConsistencyMode.ASYNC, 2, OptimizerConfig.sgd(0.5, 0.0));
    shard.join(0, ShardTestClient.layout(2, 1, 0, ShardTestClient.FINGERPRINT));
    shard.initialize(0, new float[] {1, 2});
    StatusRuntimeException e = failure(() -> shard.push(1, 0, 0, new float[] {1, 1}).join());
    assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
    assertEquals("worker 1 has not joined shard 0", e.getStatus().getDescription());
  }

  @Test
  void aWorkerIdOutsideTheConfiguredWorkersIsInvalid() throws Exception {
    ShardTestClient shard = start(ConsistencyMode.ASYNC, 2, OptimizerConfig.sgd(0.5, 0.0));
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> shard.join(2, ShardTestClient.layout(2, 1, 0, ShardTestClient.FINGERPRINT)));
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
  }

  @Test
  void pullingBeforeInitializationFailsWithFailedPrecondition() throws Exception {
    ShardTestClient shard = start(ConsistencyMode.ASYNC, 1, OptimizerConfig.sgd(0.5, 0.0));
    shard.join(0, ShardTestClient.layout(2, 1, 0, ShardTestClient.FINGERPRINT));
    CompletionException e = assertThrows(CompletionException.class, () -> shard.pull(0));
    assertEquals(Status.Code.FAILED_PRECONDITION, Status.fromThrowable(e.getCause()).getCode());
  }

  @Test
  void asyncRecordsTheStalenessOfEveryAppliedGradient() throws Exception {
    ShardTestClient shard = start(ConsistencyMode.ASYNC, 2, OptimizerConfig.sgd(0.5, 0.0));
    shard.join(0, ShardTestClient.layout(2, 1, 0, ShardTestClient.FINGERPRINT));
    shard.join(1, ShardTestClient.layout(2, 1, 0, ShardTestClient.FINGERPRINT));
    shard.initialize(0, new float[] {1, 1});
    // Both read version 0; worker 0's gradient is applied first, so worker 1's is one version old.
    ShardTestClient.Slice first = shard.push(0, 0, 0, new float[] {1, 0}).join();
    ShardTestClient.Slice second = shard.push(1, 0, 0, new float[] {0, 1}).join();
    ShardTestClient.Slice third = shard.push(0, 1, 1, new float[] {1, 0}).join();
    assertEquals(0, first.staleness());
    assertEquals(1, second.staleness());
    assertEquals(1, third.staleness());
    assertEquals(3, third.version());
    StatusReply status = shard.status();
    assertEquals(List.of(1L, 2L), status.getStaleness().getHistogramList());
    assertEquals(1, status.getStaleness().getMax());
    assertEquals(2, status.getStaleness().getSum());
    assertEquals(1, status.getWorkers(1).getStaleness().getMax());
    assertEquals(2, status.getWorkers(0).getPushes());
  }

  @Test
  void syncAveragesOneGradientPerWorkerAppliesOnceAndAnswersAllWithStalenessZero() throws Exception {
    ShardTestClient shard = start(ConsistencyMode.SYNC, 2, OptimizerConfig.sgd(0.5, 0.0));
    shard.join(0, ShardTestClient.layout(2, 1, 0, ShardTestClient.FINGERPRINT));
    shard.join(1, ShardTestClient.layout(2, 1, 0, ShardTestClient.FINGERPRINT));
    shard.initialize(0, new float[] {1, 1});
    CompletableFuture<ShardTestClient.Slice> a = shard.push(0, 0, 0, new float[] {1, 2});
    CompletableFuture<ShardTestClient.Slice> b = shard.push(1, 0, 0, new float[] {3, -2});
    ShardTestClient.Slice ra = a.join();
    ShardTestClient.Slice rb = b.join();
    // average (2, 0), p = 1 - 0.5 * avg
    assertArrayEquals(new float[] {0f, 1f}, ra.values());
    assertArrayEquals(ra.values(), rb.values());
    assertEquals(1, ra.version());
    assertEquals(1, rb.version());
    StatusReply status = shard.status();
    assertEquals(1, status.getVersion());
    assertEquals(List.of(2L), status.getStaleness().getHistogramList());
    assertEquals(0, status.getStaleness().getMax());
  }

  @Test
  void syncGoesOnWithoutAWorkerThatLeft() throws Exception {
    ShardTestClient shard = start(ConsistencyMode.SYNC, 2, OptimizerConfig.sgd(0.5, 0.0));
    shard.join(0, ShardTestClient.layout(1, 1, 0, ShardTestClient.FINGERPRINT));
    shard.join(1, ShardTestClient.layout(1, 1, 0, ShardTestClient.FINGERPRINT));
    shard.initialize(0, new float[] {1});
    CompletableFuture<ShardTestClient.Slice> a = shard.push(0, 0, 0, new float[] {2});
    shard.leave(1);
    assertArrayEquals(new float[] {0f}, a.join().values());
    assertArrayEquals(new float[] {-1f}, shard.push(0, 1, 1, new float[] {2}).join().values());
  }

  @Test
  void syncDropsAGradientLateForItsStepAndHandsBackTheCurrentParameters() throws Exception {
    ShardTestClient shard = start(ConsistencyMode.SYNC, 1, OptimizerConfig.sgd(0.5, 0.0));
    shard.join(0, ShardTestClient.layout(1, 1, 0, ShardTestClient.FINGERPRINT));
    shard.initialize(0, new float[] {1});
    shard.push(0, 0, 0, new float[] {2}).join();
    ShardTestClient.Slice late = shard.push(0, 0, 1, new float[] {2}).join();
    assertTrue(late.dropped());
    assertArrayEquals(new float[] {0f}, late.values());
    assertEquals(1, late.version());
    StatusReply status = shard.status();
    assertEquals(1, status.getVersion());
    assertEquals(1L, status.getRejectedMap().get("late_for_step"));
  }

  @Test
  void slicesLargerThanOneMessageTravelInChunks() throws Exception {
    int n = FloatCodec.MAX_CHUNK_FLOATS * 2 + 123;
    ShardTestClient shard = start(ConsistencyMode.ASYNC, 1, OptimizerConfig.sgd(0.5, 0.0));
    shard.join(0, ShardTestClient.layout(n, 1, 0, ShardTestClient.FINGERPRINT));
    float[] init = new float[n];
    float[] g = new float[n];
    for (int i = 0; i < n; i++) {
      init[i] = i;
      g[i] = (i % 7) - 3;
    }
    shard.initialize(0, init);
    float[] after = shard.push(0, 0, 0, g).join().values();
    for (int i = 0; i < n; i += 9973) {
      assertEquals(init[i] - 0.5f * g[i], after[i], 0f);
    }
    assertEquals(init[n - 1] - 0.5f * g[n - 1], after[n - 1], 0f);
  }

  @Test
  void aNonFiniteValueInALaterChunkIsReportedByItsIndexInTheSliceAndTheShardIsUnchanged() throws Exception {
    int n = FloatCodec.MAX_CHUNK_FLOATS + 10;
    ShardTestClient shard = start(ConsistencyMode.ASYNC, 1, OptimizerConfig.sgd(0.5, 0.0));
    shard.join(0, ShardTestClient.layout(n, 1, 0, ShardTestClient.FINGERPRINT));
    float[] init = new float[n];
    init[n - 1] = Float.NEGATIVE_INFINITY;
    StatusRuntimeException badInit = failure(() -> shard.initialize(0, init));
    assertEquals(Status.Code.INVALID_ARGUMENT, badInit.getStatus().getCode());
    assertEquals("initial value " + (n - 1) + " is -Infinity", badInit.getStatus().getDescription());
    init[n - 1] = 1f;
    shard.initialize(0, init);
    float[] g = new float[n];
    g[FloatCodec.MAX_CHUNK_FLOATS + 3] = Float.POSITIVE_INFINITY;
    g[FloatCodec.MAX_CHUNK_FLOATS + 5] = Float.NaN;
    StatusRuntimeException e = failure(() -> shard.push(0, 0, 7, g).join());
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    assertEquals("gradient value " + (FloatCodec.MAX_CHUNK_FLOATS + 3) + " of shard 0 is Infinity (worker 0, step 7)",
        e.getStatus().getDescription());
    assertEquals(1L, shard.status().getRejectedMap().get("non_finite"));
    ShardTestClient.Slice after = shard.pull(0);
    assertEquals(0, after.version());
    assertEquals(1f, after.values()[n - 1], 0f);
  }

  /** Gradients that bfloat16 must round (none is a bfloat16 value), of a 6-float slice. */
  private static float[] unroundedGradient(int step) {
    float[] g = new float[6];
    for (int i = 0; i < g.length; i++) {
      g[i] = (float) Math.sin(1.3 + 5 * step + i) * 0.37f;
    }
    return g;
  }

  private static float[] rounded(float[] values) {
    float[] out = new float[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = Bf16.round(values[i]);
    }
    return out;
  }

  private static void assertBitsEqual(float[] expected, float[] actual, String what) {
    for (int i = 0; i < expected.length; i++) {
      assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(actual[i]), what + ", value " + i);
    }
  }

  @Test
  void aBf16GradientIsAppliedExactlyAsTheFloat32OfItsRoundedValuesAndTheMasterStaysFloat32() throws Exception {
    // Adam keeps state (m, v, step count) that the wire must not touch: shard A hears bfloat16,
    // shard B float32 of the same rounded values; after every step both hold the same bits.
    OptimizerConfig adam = OptimizerConfig.defaults(io.impetus.optim.OptimizerKind.ADAM, 0.01);
    ShardTestClient bf16 = start(ConsistencyMode.ASYNC, 1, adam);
    ShardTestClient fp32 = start(ConsistencyMode.ASYNC, 1, adam);
    float[] init = {0.1f, -0.2f, 0.3f, 1.7f, -2.9f, 0.004f};
    for (ShardTestClient shard : List.of(bf16, fp32)) {
      shard.join(0, ShardTestClient.layout(6, 1, 0, ShardTestClient.FINGERPRINT));
      shard.initialize(0, init);
    }
    for (int step = 0; step < 4; step++) {
      float[] g = unroundedGradient(step);
      PushHeader header = ShardTestClient.header(0, step, step, g.length);
      ShardTestClient.Slice viaBf16 = bf16.push(header.toBuilder().setEncoding(FloatEncoding.BF16).build(), g).join();
      ShardTestClient.Slice viaFp32 = fp32.push(header, rounded(g)).join();
      assertEquals(FloatEncoding.FP32, viaBf16.encoding(), "float32 values back unless asked otherwise");
      assertBitsEqual(viaFp32.values(), viaBf16.values(), "step " + step);
      assertEquals(viaFp32.version(), viaBf16.version());
    }
    // Asking for bfloat16 values back rounds only the reply: the shard's parameters stay float32.
    float[] g = unroundedGradient(9);
    PushHeader both = ShardTestClient.header(0, 4, 4, g.length).toBuilder()
        .setEncoding(FloatEncoding.BF16).setReplyEncoding(FloatEncoding.BF16).build();
    ShardTestClient.Slice reply = bf16.push(both, g).join();
    float[] master = fp32.push(ShardTestClient.header(0, 4, 4, g.length), rounded(g)).join().values();
    assertEquals(FloatEncoding.BF16, reply.encoding(), "the reply's header declares its encoding");
    assertBitsEqual(rounded(master), reply.values(), "the reply");
    float[] pulled = bf16.pull(0).values();
    assertBitsEqual(master, pulled, "the shard's own parameters");
    assertFalse(java.util.Arrays.equals(rounded(pulled), pulled), "the master parameters are not bfloat16 values");
  }

  /** Worker 0 joined to a shard of slice {1, 2, 3} under SGD with lr 0.5 and {@code momentum}. */
  private ShardTestClient startWithSlice123(double momentum) throws Exception {
    ShardTestClient shard = start(ConsistencyMode.ASYNC, 1, OptimizerConfig.sgd(0.5, momentum));
    shard.join(0, ShardTestClient.layout(3, 1, 0, ShardTestClient.FINGERPRINT));
    shard.initialize(0, new float[] {1, 2, 3});
    return shard;
  }

  /** Worker 0's push header of step {@code step} of a 3-float bfloat16 gradient. */
  private static PushHeader bf16Header(long step) {
    return ShardTestClient.header(0, 0, step, 3).toBuilder().setEncoding(FloatEncoding.BF16).build();
  }

  @Test
  void aBf16GradientWithNanOrInfinityIsRefusedLikeAFloat32OneAndChangesNothing() throws Exception {
    ShardTestClient shard = startWithSlice123(0.9);
    PushHeader bf16 = bf16Header(5);
    shard.push(bf16, new float[] {1, 1, 1}).join(); // a momentum buffer a bad push must not touch
    float[] before = shard.pull(0).values();
    StatusRuntimeException nan = failure(() -> shard.push(bf16, new float[] {0, Float.NaN, 0}).join());
    assertEquals(Status.Code.INVALID_ARGUMENT, nan.getStatus().getCode());
    assertEquals("gradient value 1 of shard 0 is NaN (worker 0, step 5)", nan.getStatus().getDescription());
    StatusRuntimeException inf = failure(() -> shard.push(bf16, new float[] {Float.NEGATIVE_INFINITY, 0, 0}).join());
    assertEquals("gradient value 0 of shard 0 is -Infinity (worker 0, step 5)", inf.getStatus().getDescription());
    // Finite in float32, but beyond bfloat16's range: it arrives as infinity and is refused as such.
    StatusRuntimeException overflow = failure(() -> shard.push(bf16, new float[] {0, 0, Float.MAX_VALUE}).join());
    assertEquals("gradient value 2 of shard 0 is Infinity (worker 0, step 5)", overflow.getStatus().getDescription());
    assertEquals(3L, shard.status().getRejectedMap().get("non_finite"));
    ShardTestClient.Slice after = shard.pull(0);
    assertArrayEquals(before, after.values());
    assertEquals(1, after.version());
  }

  @Test
  void aMalformedBf16PushIsRefusedNamingTheProblemAndChangesNothing() throws Exception {
    ShardTestClient shard = startWithSlice123(0.0);
    PushHeader bf16 = bf16Header(0);
    StatusRuntimeException odd = failure(() -> shard.push(bf16, ByteString.copyFrom(new byte[5])).join());
    assertEquals(Status.Code.INVALID_ARGUMENT, odd.getStatus().getCode());
    assertEquals("gradient: bfloat16 payload has 5 bytes, which is not a multiple of 2", odd.getStatus().getDescription());
    // 12 bytes: three values in float32, six in bfloat16, which is more than the slice holds.
    StatusRuntimeException long12 = failure(() -> shard.push(bf16, FloatCodec.encode(new float[3])).join());
    assertEquals("gradient has more than the 3 values this shard holds", long12.getStatus().getDescription());
    StatusRuntimeException short4 = failure(() -> shard.push(bf16, ByteString.copyFrom(new byte[4])).join());
    assertEquals("gradient has 2 values, shard 0 expects 3", short4.getStatus().getDescription());
    StatusRuntimeException unknown = failure(() -> shard.push(bf16.toBuilder().setEncodingValue(7).build(),
        ByteString.copyFrom(new byte[6])).join());
    assertEquals(Status.Code.INVALID_ARGUMENT, unknown.getStatus().getCode());
    assertEquals("unknown float encoding in the push header: encoding 7, reply_encoding 0 (known: 0 FP32, 1 BF16)",
        unknown.getStatus().getDescription());
    ShardTestClient.Slice after = shard.pull(0);
    assertArrayEquals(new float[] {1, 2, 3}, after.values());
    assertEquals(0, after.version());
  }
}
