package io.impetus.shard;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.impetus.optim.OptimizerConfig;
import io.impetus.proto.Layout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the shared-memory tests share: every shard is shard 1 of 2, whose slice of the 9-parameter
 * model is the last 4 values (so that messages name a shard other than the default 0), the test's own
 * folder stands in for /dev/shm, and every shard and channel a test starts is stopped after it.
 */
abstract class SharedMemoryShards {
  static final int SLICE = 4;
  static final float[] INIT = {0.5f, -1.25f, 3f, 0.1f};
  static final Layout LAYOUT = ShardTestClient.layout(9, 2, 1, ShardTestClient.FINGERPRINT);

  @TempDir Path tmp;
  Path shm;
  final List<ShardServer> servers = new ArrayList<>();
  final List<ManagedChannel> channels = new ArrayList<>();

  @BeforeEach
  void folder() throws Exception {
    shm = Files.createDirectory(tmp.resolve("shm"));
  }

  @AfterEach
  void stopShards() {
    channels.forEach(ManagedChannel::shutdownNow);
    servers.forEach(ShardServer::stop);
  }

  /**
   * Starts shard 1 of 2 for workers 0 and 1 as {@code mode}, {@code optimizer} and {@code settings}
   * say, joined by worker 0, which initialized it.
   */
  ShardTestClient serve(ConsistencyMode mode, OptimizerConfig optimizer, UnaryOperator<ServerConfig> settings)
      throws Exception {
    String name = InProcessServerBuilder.generateName();
    ServerConfig config = settings.apply(new ServerConfig("127.0.0.1", 0, 1, 2, 2, mode, optimizer));
    // Direct executors: each call runs on the test thread up to the update loop, so pushes reach the
    // loop in the order they are made.
    servers.add(new ShardServer(InProcessServerBuilder.forName(name).directExecutor(), config).start());
    ManagedChannel channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    channels.add(channel);
    ShardTestClient shard = new ShardTestClient(channel);
    assertEquals(5, shard.join(0, LAYOUT).getRangeStart());
    shard.initialize(0, INIT);
    return shard;
  }

  /** The raw bits of {@code values}, to compare floats bit for bit. */
  static int[] bits(float[] values) {
    int[] bits = new int[values.length];
    for (int i = 0; i < values.length; i++) {
      bits[i] = Float.floatToRawIntBits(values[i]);
    }
    return bits;
  }
}
