package io.impetus.shard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.impetus.optim.OptimizerConfig;
import io.impetus.shard.checkpoint.CheckpointSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a shard server opens, and that stopping closes each part once, the latest first. */
class ShardServerLifecycleTest {
  @TempDir Path shm;

  private static ServerConfig config(Path shm) {
    return new ServerConfig("127.0.0.1", 0, 0, 1, 1, ConsistencyMode.ASYNC, OptimizerConfig.sgd(0.5, 0))
        .withSharedMemoryDir(shm);
  }

  @Test
  void aStartedShardOwnsItsUpdateLoopServerAndDoorbellAndStopClosesThemLatestFirstOnce() throws Exception {
    String name = InProcessServerBuilder.generateName();
    ShardServer server = new ShardServer(InProcessServerBuilder.forName(name).directExecutor(), config(shm));
    assertEquals(List.of("timers", "update loop"), server.openParts());
    server.start();
    assertEquals(List.of("doorbell", "gRPC server", "timers", "update loop"), server.openParts());
    Path socket = server.doorbellPath();
    assertTrue(Files.exists(socket));

    server.stop();
    assertEquals(List.of(), server.openParts());
    assertFalse(Files.exists(socket), "the doorbell removed its socket");
    assertEquals(1, server.snapshot().getExpectedWorkers(), "the update loop published a final status");
    ManagedChannel channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    try {
      assertThrows(StatusRuntimeException.class, () -> new ShardTestClient(channel).status());
    } finally {
      channel.shutdownNow();
    }
    server.stop(); // a second stop finds nothing open
    assertEquals(List.of(), server.openParts());
  }

  @Test
  void aShardThatNeverStartedOnlyClosesItsUpdateLoop() {
    ShardServer server = new ShardServer(InProcessServerBuilder.forName(InProcessServerBuilder.generateName()),
        config(shm));
    server.stop();
    assertEquals(List.of(), server.openParts());
  }

  @Test
  void aShardWithoutSharedMemoryOpensNoDoorbell() throws Exception {
    ShardServer server = new ShardServer(InProcessServerBuilder.forName(InProcessServerBuilder.generateName()),
        config(null)).start();
    try {
      assertEquals(List.of("gRPC server", "timers", "update loop"), server.openParts());
    } finally {
      server.stop();
    }
  }

  @Test
  void aShardWithAHealthPortClosesItAfterTheGrpcServerSoProbesSeeNotServingWhileCallsDrain() throws Exception {
    ServerConfig config = config(null).withSecurity(new ServerSecurity(null, null, 0));
    ShardServer server = new ShardServer(InProcessServerBuilder.forName(InProcessServerBuilder.generateName()),
        config).start();
    try {
      assertEquals(List.of("gRPC server", "health server", "timers", "update loop"), server.openParts());
    } finally {
      server.stop();
    }
    assertEquals(List.of(), server.openParts());
  }

  @Test
  void aShardWithACheckpointFolderClosesItsCheckpointWriterLastAfterTheFinalCheckpoint() throws Exception {
    ServerConfig config = config(null).withCheckpoints(new CheckpointSettings(shm.resolve("ckpt"), 0, 3));
    ShardServer server = new ShardServer(InProcessServerBuilder.forName(InProcessServerBuilder.generateName()),
        config).start();
    assertEquals(List.of("gRPC server", "timers", "update loop", "checkpoint writer"), server.openParts());
    server.stop();
    assertEquals(List.of(), server.openParts());
    assertFalse(Files.exists(shm.resolve("ckpt")), "a shard no worker initialized has nothing to checkpoint");
  }
}
