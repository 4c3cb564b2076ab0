package io.impetus.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.impetus.model.ParameterLayout;
import io.impetus.model.ParameterLayout.TensorSpec;
import io.impetus.optim.OptimizerConfig;
import io.impetus.shard.ConsistencyMode;
import io.impetus.shard.ServerConfig;
import io.impetus.shard.ShardServer;
import io.impetus.wire.Bf16;
import io.impetus.wire.SharedSegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The zero-copy path (chunks parsed straight out of Netty's buffers, which go back to Netty's pool
 * after each onNext) over many round trips with the production channel and server settings: every
 * reply must be bit-exact, so no chunk is ever decoded from a buffer that was already reused. In
 * bf16 every reply is the shard's float32 parameters rounded to bfloat16, bit for bit, and the
 * parameters themselves stay float32.
 */
class ZeroCopyPushPullTest {
  private static final int P = 1_300_001; // two shards, each more than one 2 MiB chunk

  @ParameterizedTest
  @EnumSource(WirePrecision.class)
  void manyPushPullsOverNettyAreBitExact(WirePrecision precision) throws Exception {
    List<ShardServer> servers = new ArrayList<>();
    List<String> addresses = new ArrayList<>();
    for (int s = 0; s < 2; s++) {
      ServerConfig config = new ServerConfig("127.0.0.1", 0, s, 2, 1, ConsistencyMode.ASYNC, OptimizerConfig.sgd(0.5, 0.0));
      ShardServer server = new ShardServer(ShardServer.netty(config), config).start();
      servers.add(server);
      addresses.add("127.0.0.1:" + server.port());
    }
    ShardChannels channels = ShardChannels.open(addresses);
    ParameterLayout layout = new ParameterLayout(List.of(new TensorSpec("w", P)));
    try (ShardedClient client = new ShardedClient(channels, 0, layout, "zero-copy", Transport.GRPC,
        SharedSegment.DEFAULT_DIR, precision)) {
      float[] params = new float[P];
      float[] expected = new float[P];
      for (int i = 0; i < P; i++) {
        params[i] = i % 1000;
        expected[i] = params[i];
      }
      client.join(params, 60).get(60, TimeUnit.SECONDS);
      float[] grad = new float[P];
      for (int step = 0; step < 12; step++) {
        for (int i = 0; i < P; i++) {
          grad[i] = ((i + step) % 3) - 1; // -1, 0, 1: p - 0.5 g is exact in float32
          expected[i] -= 0.5f * grad[i]; // and -1, 0, 1 are bfloat16 values
        }
        client.pushPull(grad, 0f, 1, step, params).get(60, TimeUnit.SECONDS);
        assertArrayEquals(precision == WirePrecision.BF16 ? rounded(expected) : expected, params, "after step " + step);
      }
      float[] pulled = new float[P];
      client.pull(pulled).get(60, TimeUnit.SECONDS);
      assertArrayEquals(expected, pulled, "a pull is float32: the shard's own parameters");
      client.leave().get(30, TimeUnit.SECONDS);
    } finally {
      servers.forEach(ShardServer::stop);
    }
  }

  private static float[] rounded(float[] values) {
    float[] out = new float[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = Bf16.round(values[i]);
    }
    return out;
  }
}
