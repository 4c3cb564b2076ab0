package io.impetus.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.impetus.model.ParameterLayout;
import io.impetus.optim.OptimizerConfig;
import io.impetus.proto.JoinRequest;
import io.impetus.proto.Layout;
import io.impetus.proto.ShardGrpc;
import io.impetus.shard.ConsistencyMode;
import io.impetus.shard.ServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Setting up the shm path with a real in-process shard that worker 0 has joined: the shard attaches
 * the segment and the headers take its doorbell, or a header stream when the doorbell cannot be
 * reached; when shared memory is not possible the reason comes back as {@link
 * ShmPathSetup.NoSharedMemory}. Whatever the answer, no segment file is left behind.
 */
class ShmPathSetupTest {
  private static final ParameterLayout LAYOUT = new ParameterLayout(List.of(new ParameterLayout.TensorSpec("w", 4)));

  @TempDir Path shm;
  private ExecutorService background;

  @BeforeEach
  void start() {
    background = Executors.newSingleThreadExecutor();
  }

  @AfterEach
  void stop() {
    background.shutdownNow();
  }

  /** Starts one shard configured by {@code config}, joins worker 0, and attaches a segment of {@code dir}. */
  private ShmPath attach(ServerConfig config, Path dir, boolean removeDoorbell) throws Exception {
    try (InProcessShards shards = new InProcessShards(config)) {
      ManagedChannel joining = shards.channel(0);
      ByteString key = ShardGrpc.newBlockingStub(joining).join(JoinRequest.newBuilder().setWorkerId(0)
          .setLayout(Layout.newBuilder().setNumParams(4).setNumShards(1).setFingerprint(LAYOUT.fingerprint()))
          .build()).getSessionKey();
      joining.shutdownNow();
      if (removeDoorbell) {
        try (Stream<Path> files = Files.walk(shm, 2)) {
          for (Path socket : files.filter(p -> p.toString().endsWith(".sock")).toList()) {
            Files.delete(socket); // the shard still offers the path; connecting to it fails
          }
        }
      }
      ManagedChannel channel = shards.channel(0);
      try {
        ShmPath path = new ShmPathSetup(0, dir, background)
            .attach(0, ShardGrpc.newStub(channel), ShardGrpc.newStub(channel), 0, 4, key).get();
        path.close();
        return path;
      } finally {
        channel.shutdownNow();
      }
    }
  }

  private ServerConfig shard(Path dir) {
    return new ServerConfig("127.0.0.1", 0, 0, 1, 1, ConsistencyMode.ASYNC, OptimizerConfig.sgd(0.1, 0))
        .withSharedMemoryDir(dir);
  }

  private long segmentsIn(Path dir) throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".seg")).count();
    }
  }

  @Test
  void aShardThatAttachesIsRungOnItsDoorbell() throws Exception {
    assertInstanceOf(DoorbellShmPath.class, attach(shard(shm), shm, false));
    assertEquals(0, segmentsIn(shm), "unlinked once the shard mapped it");
  }

  @Test
  void headersTakeAHeaderStreamWhenTheDoorbellCannotBeReached() throws Exception {
    assertInstanceOf(HeaderStreamShmPath.class, attach(shard(shm), shm, true));
    assertEquals(0, segmentsIn(shm));
  }

  @Test
  void aShardWithoutSharedMemoryGivesItsReason() throws Exception {
    ExecutionException e = assertThrows(ExecutionException.class, () -> attach(shard(null), shm, false));
    ShmPathSetup.NoSharedMemory no = assertInstanceOf(ShmPathSetup.NoSharedMemory.class, e.getCause());
    assertEquals("shard 0 does not accept shared-memory segments (started with --no-shm)", no.getMessage());
    assertEquals(0, segmentsIn(shm), "a refused segment is unlinked too");
  }

  @Test
  void aSegmentThatCannotBeCreatedMeansNoSharedMemory() {
    Path absent = shm.resolve("absent");
    ExecutionException e = assertThrows(ExecutionException.class, () -> attach(shard(shm), absent, false));
    ShmPathSetup.NoSharedMemory no = assertInstanceOf(ShmPathSetup.NoSharedMemory.class, e.getCause());
    assertEquals("cannot create a segment in " + absent + ": shared-memory folder " + absent + " does not exist",
        no.getMessage());
  }
}
