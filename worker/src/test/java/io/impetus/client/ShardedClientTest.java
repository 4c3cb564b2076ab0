package io.impetus.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.impetus.model.ParameterLayout;
import io.impetus.model.ParameterLayout.TensorSpec;
import io.impetus.optim.OptimizerConfig;
import io.impetus.shard.ConsistencyMode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The worker's sharded client against real in-process shards. */
class ShardedClientTest {
  private static final ParameterLayout LAYOUT =
      new ParameterLayout(List.of(new TensorSpec("w", 2, 3), new TensorSpec("b", 4)));

  @Test
  void theFirstWorkerInitializesEveryShardAndLaterWorkersPullTheCurrentValues() throws Exception {
    try (InProcessShards shards = new InProcessShards(3, 2, ConsistencyMode.ASYNC, OptimizerConfig.sgd(0.5, 0.0))) {
      ShardedClient first = shards.client(0, LAYOUT);
      float[] params = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
      first.join(params, 10).get();
      float[] g = {2, 2, 2, 2, 2, 2, 2, 2, 2, -4};
      PushResult result = first.pushPull(g, 1f, 1, 0, params).get();
      assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 12}, params);
      assertArrayEquals(new long[] {1, 1, 1}, result.versions());
      assertEquals(0, result.maxStaleness());

      ShardedClient second = shards.client(1, LAYOUT);
      float[] own = new float[10]; // its own initial values lose: the shards are initialized already
      second.join(own, 10).get();
      assertArrayEquals(params, own);
      assertArrayEquals(new long[] {1, 1, 1}, second.versions());
    }
  }

  @Test
  void aStaleGradientIsReportedWithItsStalenessPerShard() throws Exception {
    try (InProcessShards shards = new InProcessShards(2, 2, ConsistencyMode.ASYNC, OptimizerConfig.sgd(0.5, 0.0))) {
      ShardedClient a = shards.client(0, LAYOUT);
      ShardedClient b = shards.client(1, LAYOUT);
      float[] pa = new float[10];
      float[] pb = new float[10];
      a.join(pa, 10).get();
      b.join(pb, 10).get();
      float[] g = new float[10];
      a.pushPull(g, 0f, 1, 0, pa).get();
      PushResult late = b.pushPull(g, 0f, 1, 0, pb).get();
      assertArrayEquals(new long[] {1, 1}, late.staleness());
      assertArrayEquals(new long[] {2, 2}, late.versions());
    }
  }

  @Test
  void vectorsOfTheWrongLengthAreRefusedBeforeAnythingIsSent() throws Exception {
    try (InProcessShards shards = new InProcessShards(1, 1, ConsistencyMode.ASYNC, OptimizerConfig.sgd(0.5, 0.0))) {
      ShardedClient client = shards.client(0, LAYOUT);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> client.join(new float[3], 10));
      assertEquals("vector has 3 values, the model has 10", e.getMessage());
    }
  }
}
