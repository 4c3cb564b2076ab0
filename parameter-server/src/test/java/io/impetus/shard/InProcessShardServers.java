package io.impetus.shard;

import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/** Shard servers on the in-process transport, started by name, each with a test client; closed together. */
final class InProcessShardServers implements AutoCloseable {
  private final List<ShardServer> servers = new ArrayList<>();
  private final List<ManagedChannel> channels = new ArrayList<>();

  /** Starts a shard named {@code name} (a name may be used again once its shard stopped) and connects to it. */
  ShardTestClient start(String name, ServerConfig config) throws Exception {
    return start(name, config, UnaryOperator.identity());
  }

  /** As above, with the server builder adjusted by {@code builder} (an interceptor, say). */
  ShardTestClient start(String name, ServerConfig config, UnaryOperator<InProcessServerBuilder> builder)
      throws Exception {
    servers.add(new ShardServer(builder.apply(InProcessServerBuilder.forName(name).directExecutor()), config).start());
    ManagedChannel channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    channels.add(channel);
    return new ShardTestClient(channel);
  }

  /** How many servers were started. */
  int size() {
    return servers.size();
  }

  /** The server started {@code k}-th (from 0). */
  ShardServer server(int k) {
    return servers.get(k);
  }

  @Override
  public void close() {
    channels.forEach(ManagedChannel::shutdownNow);
    servers.forEach(ShardServer::stop);
  }
}
