package io.impetus.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.impetus.optim.OptimizerConfig;
import io.impetus.proto.FloatEncoding;
import io.impetus.proto.Layout;
import io.impetus.proto.PullRequest;
import io.impetus.proto.PushHeader;
import io.impetus.proto.ShardGrpc;
import io.impetus.proto.SliceChunk;
import io.impetus.shard.ConsistencyMode;
import io.impetus.wire.FloatCodec;
import io.impetus.wire.WireMethods;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The grpc path against a real in-process shard: a push is one PushPull call that carries the
 * range of the gradient up and brings the fresh slice back into the range of the parameters. The
 * gradient is the caller's again as soon as {@code push} returns, on any channel. In bf16 both ways
 * are rounded to bfloat16, while the shard's own parameters stay float32.
 */
class GrpcPathTest {
  private final ExecutorService background = Executors.newSingleThreadExecutor();
  private InProcessShards shards;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    shards = new InProcessShards(2, 1, ConsistencyMode.ASYNC, OptimizerConfig.sgd(0.5, 0.0));
    channel = shards.channel(0);
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    shards.close();
    background.shutdownNow();
  }

  /** Worker 0's session key, from {@link #joinedPath}. */
  private ByteString key;

  /** Joins shard 0 of a 5-float vector over 2 shards, [0, 3), initializing it from {@code params}; its path. */
  private GrpcPath joinedPath(WirePrecision precision, float[] params) throws Exception {
    ChunkWriter writer = new ChunkWriter(false); // in-process channels may serialize again
    LinkContext context = new LinkContext(0, 1L, Transport.GRPC, WireMethods.zeroCopy(), writer, precision,
        new ShmPathSetup(0, null, background), background, CallDeadlines.defaults());
    try (ShardLink link = new ShardLink(0, channel, 0, 3, context)) {
      link.join(Layout.newBuilder().setNumParams(5).setNumShards(2).setModel("path").build(), params, 10, true,
          l -> {}).get();
      key = link.sessionKey();
    }
    return new GrpcPath(0, ShardGrpc.newStub(channel), WireMethods.zeroCopy(), writer, precision, 0, 3, () -> 10_000);
  }

  @Test
  void aPushCarriesTheRangeUpAndTheFreshSliceBackAndTheGradientIsFreeWhenPushReturns() throws Exception {
    float[] params = {1, 2, 3, -1, -1};
    GrpcPath path = joinedPath(WirePrecision.FP32, params);
    assertEquals("grpc", path.dataPlane());
    float[] gradient = {2, 4, -2, 100, 100};
    PushHeader header = PushHeader.newBuilder().setWorkerId(0).setSessionKey(key).setLength(3).setBatchSize(1).build();
    for (int step = 1; step <= 2; step++) {
      CompletableFuture<SliceReceiver.Received> push = path.push(header.toBuilder().setWorkerStep(step).build(),
          gradient, params);
      float[] sent = gradient.clone();
      Arrays.fill(gradient, Float.NaN); // the caller's next gradient, while the push is still in flight
      assertEquals(step, push.get().version());
      gradient = sent;
    }
    assertArrayEquals(new float[] {-1, -2, 5, -1, -1}, params, "two steps of p -= 0.5 g on [0, 3) only");
  }

  @Test
  void inBf16TheGradientGoesUpRoundedAndTheSliceComesBackRoundedWhileTheShardKeepsFloat32() throws Exception {
    // 1 + 2^-8 and 2 + 2^-7 are ties that round to the even 1.0 and 2.0; 0.75 is a bfloat16 value.
    float[] params = {1.00390625f, 2, 3, -1, -1};
    GrpcPath path = joinedPath(WirePrecision.BF16, params);
    assertEquals("grpc-bf16", path.dataPlane());
    float[] gradient = {0, 0.75f, 2.0078125f, 100, 100};
    PushHeader header = PushHeader.newBuilder().setWorkerId(0).setSessionKey(key).setLength(3).setBatchSize(1).build();
    assertEquals(1, path.push(header, gradient, params).get().version());
    // The shard: 1.00390625 - 0; 2 - 0.5 * 0.75; 3 - 0.5 * 2 (the gradient as rounded). Its reply: rounded.
    assertArrayEquals(new float[] {1.0f, 1.625f, 2.0f, -1, -1}, params);
    SliceChunk pulled = ShardGrpc.newBlockingStub(channel).pull(PullRequest.newBuilder().setWorkerId(0).setSessionKey(key).build()).next();
    assertEquals(FloatEncoding.FP32, pulled.getHeader().getEncoding(), "a pull is float32");
    assertArrayEquals(new float[] {1.00390625f, 1.625f, 2.0f}, FloatCodec.decode(pulled.getValues()),
        "the shard's parameters are still float32");
  }
}
