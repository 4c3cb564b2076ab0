package io.impetus.client;

import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.impetus.model.ParameterLayout;
import io.impetus.optim.OptimizerConfig;
import io.impetus.shard.ConsistencyMode;
import io.impetus.shard.ServerConfig;
import io.impetus.shard.ShardServer;
import io.impetus.wire.SharedSegment;
import java.nio.file.Path;
import java.util.ArrayList;
import io.impetus.proto.StatusReply;
import java.util.List;

/** S real shards on the in-process transport, and clients connected to them, for tests. */
public final class InProcessShards implements AutoCloseable {
  private final List<ShardServer> servers = new ArrayList<>();
  private final List<String> names = new ArrayList<>();
  private final List<ServerConfig> configs = new ArrayList<>();
  private final List<ShardedClient> clients = new ArrayList<>();

  public InProcessShards(int shards, int workers, ConsistencyMode mode, OptimizerConfig optimizer) throws Exception {
    this(new ServerConfig("127.0.0.1", 0, 0, shards, workers, mode, optimizer));
  }

  /** One shard per index of {@code template}'s plan, each configured like {@code template}. */
  public InProcessShards(ServerConfig template) throws Exception {
    for (int s = 0; s < template.numShards(); s++) {
      String name = InProcessServerBuilder.generateName();
      names.add(name);
      configs.add(template.withAddress("127.0.0.1", 0, s));
      servers.add(new ShardServer(InProcessServerBuilder.forName(name), configs.get(s)).start());
    }
  }

  /**
   * Stops shard {@code index} and starts a fresh one (no parameters, no workers) under the same
   * in-process name, as a crashed shard pod restarted in place would come back.
   */
  public void restart(int index) throws Exception {
    ShardServer old = servers.get(index);
    old.stop();
    servers.set(index, new ShardServer(InProcessServerBuilder.forName(names.get(index)), configs.get(index)).start());
  }

  /** Every shard's status, in shard order. */
  public List<StatusReply> status() throws Exception {
    List<ManagedChannel> channels = new ArrayList<>();
    for (String name : names) {
      channels.add(InProcessChannelBuilder.forName(name).build());
    }
    ParameterLayout any = new ParameterLayout(List.of(new ParameterLayout.TensorSpec("any", names.size())));
    try (ShardedClient client = new ShardedClient(ShardChannels.of(channels, channels), 0, any, "status")) {
      return client.status().get();
    }
  }

  /** A new channel to shard {@code index}; the caller shuts it down. */
  public ManagedChannel channel(int index) {
    return InProcessChannelBuilder.forName(names.get(index)).build();
  }

  /** A client for worker {@code rank} whose floats travel in gRPC messages; closed with the shards. */
  public ShardedClient client(int rank, ParameterLayout layout) {
    return client(rank, layout, Transport.GRPC, SharedSegment.DEFAULT_DIR);
  }

  /**
   * A client for worker {@code rank} moving floats by {@code transport}, creating its segments in
   * {@code shmDir} (the shards accept them from their config's shared-memory folder); closed with
   * the shards.
   */
  public ShardedClient client(int rank, ParameterLayout layout, Transport transport, Path shmDir) {
    return client(rank, layout, transport, shmDir, WirePrecision.FP32);
  }

  /** As {@link #client(int, ParameterLayout, Transport, Path)}, with floats on the grpc path in {@code precision}. */
  public ShardedClient client(int rank, ParameterLayout layout, Transport transport, Path shmDir,
      WirePrecision precision) {
    List<ManagedChannel> channels = new ArrayList<>();
    for (String name : names) {
      channels.add(InProcessChannelBuilder.forName(name).build());
    }
    ShardedClient client =
        new ShardedClient(ShardChannels.of(channels, channels), rank, layout, "test", transport, shmDir, precision);
    clients.add(client);
    return client;
  }

  @Override
  public void close() {
    clients.forEach(ShardedClient::close);
    servers.forEach(ShardServer::stop);
  }
}
