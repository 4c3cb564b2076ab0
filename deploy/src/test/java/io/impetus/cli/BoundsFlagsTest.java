package io.impetus.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.impetus.shard.ServerConfig;
import io.impetus.shard.ServerLimits;
import io.impetus.shard.ShardServer;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code impetus server}'s bind address and resource bounds, from flags and from the environment. */
class BoundsFlagsTest {
  private static ServerConfig parse(List<String> args, Map<String, String> env) throws Exception {
    return ServerCommand.parse(Flags.parse(new ServerCommand(), args, env));
  }

  @Test
  void aShardBindsLoopbackUnlessToldOtherwise() throws Exception {
    ServerConfig config = parse(List.of("--port", "0"), Map.of());
    assertEquals("127.0.0.1", config.host());
    ShardServer server = new ShardServer(ShardServer.netty(config), config).start();
    try {
      List<? extends SocketAddress> listening = server.listenAddresses();
      assertEquals(1, listening.size());
      assertTrue(((InetSocketAddress) listening.get(0)).getAddress().isLoopbackAddress(), listening.toString());
    } finally {
      server.stop();
    }
    assertEquals("10.1.2.3", parse(List.of(), Map.of("IMPETUS_HOST", "10.1.2.3")).host(), "Kubernetes: the pod's IP");
    assertEquals("0.0.0.0", parse(List.of("--host", "0.0.0.0"), Map.of("IMPETUS_HOST", "10.1.2.3")).host());
  }

  @Test
  void theBoundsDefaultToWhatTheWorkersNeedAndEachFlagOrVariableOverridesOne() throws Exception {
    ServerLimits defaults = parse(List.of("--workers", "8"), Map.of()).limits();
    assertEquals(ServerLimits.defaults(8), defaults);
    assertEquals(48, defaults.maxConnections(), "4 per worker and 16");
    assertEquals(1024, defaults.maxQueuedTasks());
    assertEquals(60_000, defaults.streamIdleTimeoutMillis());
    assertEquals(2L * 8 * 10_000_000 * 4, defaults.replyBufferBytes(10_000_000, 8), "two float32 slices per worker");
    assertEquals(64L << 20, defaults.replyBufferBytes(1000, 8), "at least 64 MiB");

    ServerLimits set = parse(List.of("--workers", "2", "--max-connections", "5", "--max-calls-per-connection", "7",
        "--keepalive-min", "30", "--max-connection-idle", "120", "--max-message-bytes", "1048576",
        "--max-metadata-bytes", "4096", "--stream-idle-timeout", "2.5", "--max-reply-buffer-mib", "256",
        "--max-queued-calls", "99"), Map.of()).limits();
    assertEquals(new ServerLimits(5, 7, 30_000, 120_000, 1 << 20, 4096, 2500, 256L << 20, 99), set);
    assertEquals(3000, parse(List.of(), Map.of("IMPETUS_STREAM_IDLE_TIMEOUT", "3")).limits().streamIdleTimeoutMillis());
    assertEquals(set, parse(ServerCommand.toArgs(parse(List.of("--workers", "2"), Map.of()).withLimits(set)), Map.of())
        .limits(), "the local launcher's arguments give the same limits back");
    assertEquals(List.of(), BoundsFlags.toArgs(defaults, 8), "defaults need no flags");
  }

  @Test
  void aBadBoundIsAUsageErrorNamingItsFlag() {
    UsageException e = assertThrows(UsageException.class, () -> parse(List.of("--max-connections", "0"), Map.of()));
    assertEquals("--max-connections must be at least 1, got 0", e.getMessage());
    e = assertThrows(UsageException.class, () -> parse(List.of("--stream-idle-timeout", "-1"), Map.of()));
    assertEquals("--stream-idle-timeout must be >= 0 seconds, got -1.0", e.getMessage());
  }
}
