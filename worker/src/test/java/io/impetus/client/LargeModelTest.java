package io.impetus.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.impetus.model.ParameterLayout;
import io.impetus.model.ParameterLayout.TensorSpec;
import io.impetus.optim.OptimizerConfig;
import io.impetus.shard.ConsistencyMode;
import io.impetus.shard.ServerConfig;
import io.impetus.shard.ShardServer;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Model size is not capped by gRPC's message limit: a 50M-parameter model (200 MB of floats) goes
 * through real Netty shards on loopback with gRPC's default 4 MiB inbound limit on both sides.
 */
class LargeModelTest {
  private static final int P = 50_000_000;

  @Test
  void aFiftyMillionParameterModelJoinsPushesAndPullsWithDefaultMessageLimits() throws Exception {
    List<ShardServer> servers = new ArrayList<>();
    List<ManagedChannel> channels = new ArrayList<>();
    try {
      for (int s = 0; s < 2; s++) {
        ServerConfig config = new ServerConfig("127.0.0.1", 0, s, 2, 1, ConsistencyMode.ASYNC, OptimizerConfig.sgd(0.5, 0.0));
        ShardServer server = new ShardServer(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)), config)
            .start();
        servers.add(server);
        channels.add(NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build());
      }
      ParameterLayout layout = new ParameterLayout(List.of(new TensorSpec("embedding", 50_000, 1000)));
      float[] params = new float[P];
      float[] grad = new float[P];
      for (int i = 0; i < P; i++) {
        params[i] = i % 1024;
        grad[i] = (i % 3) - 1;
      }
      try (ShardedClient client = new ShardedClient(ShardChannels.of(channels, List.of()), 0, layout, "big")) {
        client.join(params, 60).get();
        PushResult result = client.pushPull(grad, 0f, 1, 0, params).get();
        assertArrayEquals(new long[] {1, 1}, result.versions());
        float[] pulled = new float[P];
        client.pull(pulled).get();
        for (int i = 0; i < P; i += 999_983) {
          assertEquals((i % 1024) - 0.5f * ((i % 3) - 1), pulled[i], 0f, "value " + i);
        }
        assertEquals((P - 1) % 1024 - 0.5f * ((P - 1) % 3 - 1), pulled[P - 1], 0f);
        assertArrayEquals(params, pulled);
      }
    } finally {
      channels.forEach(ManagedChannel::shutdownNow);
      servers.forEach(ShardServer::stop);
    }
  }
}
