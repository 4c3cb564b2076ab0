package io.impetus.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grpc.ManagedChannel;
import io.impetus.optim.OptimizerConfig;
import io.impetus.proto.Layout;
import io.impetus.proto.PushHeader;
import io.impetus.proto.ShardGrpc;
import io.impetus.shard.ConsistencyMode;
import io.impetus.wire.WireMethods;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * The grpc path against a real in-process shard: a push is one PushPull call that carries the
 * range of the gradient up and brings the fresh slice back into the range of the parameters. The
 * gradient is the caller's again as soon as {@code push} returns, on any channel.
 */
class GrpcPathTest {
  @Test
  void aPushCarriesTheRangeUpAndTheFreshSliceBackAndTheGradientIsFreeWhenPushReturns() throws Exception {
    ExecutorService background = Executors.newSingleThreadExecutor();
    try (InProcessShards shards = new InProcessShards(2, 1, ConsistencyMode.ASYNC, OptimizerConfig.sgd(0.5, 0.0))) {
      ManagedChannel channel = shards.channel(0);
      try {
        ChunkWriter writer = new ChunkWriter(false); // in-process channels may serialize again
        LinkContext context = new LinkContext(0, 1L, Transport.GRPC, WireMethods.zeroCopy(), writer,
            new ShmPathSetup(0, null, background), background);
        // Shard 0 of a 5-float vector over 2 shards owns [0, 3); the link joins it and initializes it.
        float[] params = {1, 2, 3, -1, -1};
        try (ShardLink link = new ShardLink(0, channel, 0, 3, context)) {
          link.join(Layout.newBuilder().setNumParams(5).setNumShards(2).setModel("path").build(), params, 10, l -> {})
              .get();
        }
        GrpcPath path = new GrpcPath(0, ShardGrpc.newStub(channel), WireMethods.zeroCopy(), writer, 0, 3);
        assertEquals("grpc", path.dataPlane());
        float[] gradient = {2, 4, -2, 100, 100};
        PushHeader header = PushHeader.newBuilder().setWorkerId(0).setLength(3).build();
        for (int step = 1; step <= 2; step++) {
          CompletableFuture<SliceReceiver.Received> push = path.push(header.toBuilder().setWorkerStep(step).build(),
              gradient, params);
          float[] sent = gradient.clone();
          Arrays.fill(gradient, Float.NaN); // the caller's next gradient, while the push is still in flight
          assertEquals(step, push.get().version());
          gradient = sent;
        }
        assertArrayEquals(new float[] {-1, -2, 5, -1, -1}, params, "two steps of p -= 0.5 g on [0, 3) only");
      } finally {
        channel.shutdownNow();
      }
    } finally {
      background.shutdownNow();
    }
  }
}
