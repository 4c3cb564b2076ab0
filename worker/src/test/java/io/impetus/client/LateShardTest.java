package io.impetus.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.impetus.model.ParameterLayout;
import io.impetus.optim.OptimizerConfig;
import io.impetus.shard.ConsistencyMode;
import io.impetus.shard.ServerConfig;
import io.impetus.shard.ShardServer;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Start-up order does not matter: a worker that starts before its shard (connection refused) keeps
 * waiting, with gRPC's backoff and the connection watch, and joins once the shard comes up.
 */
class LateShardTest {
  @Test
  void aWorkerStartedBeforeItsShardJoinsOnceTheShardComesUp() throws Exception {
    int port;
    try (ServerSocket probe = new ServerSocket(0)) {
      port = probe.getLocalPort(); // free now; nothing listens on it until the shard starts below
    }
    String address = "127.0.0.1:" + port;
    ManagedChannel channel = NettyChannelBuilder.forTarget(address).usePlaintext().build();
    ParameterLayout layout = new ParameterLayout(List.of(new ParameterLayout.TensorSpec("w", 3)));
    ShardServer server = null;
    try (ConnectionWatch watch = ConnectionWatch.start(List.of(channel), List.of(address), 200);
        ShardedClient client = new ShardedClient(ShardChannels.of(List.of(channel), List.of(channel)), 0, layout, "late")) {
      float[] params = {1, 2, 3};
      CompletableFuture<Void> joined = client.join(params, 60);
      assertFalse(joined.isDone(), "nothing listens yet, the join must wait");
      ServerConfig config = new ServerConfig("127.0.0.1", port, 0, 1, 1, ConsistencyMode.ASYNC, OptimizerConfig.sgd(0.1, 0));
      server = new ShardServer(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port)), config).start();
      joined.get(60, TimeUnit.SECONDS);
      assertArrayEquals(new float[] {1, 2, 3}, params);
    } finally {
      if (server != null) {
        server.stop();
      }
    }
  }
}
