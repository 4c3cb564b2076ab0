package io.impetus.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.impetus.model.ParameterLayout;
import io.impetus.model.ParameterLayout.TensorSpec;
import io.impetus.optim.OptimizerConfig;
import io.impetus.optim.OptimizerKind;
import io.impetus.proto.StatusReply;
import io.impetus.shard.ConsistencyMode;
import io.impetus.shard.ServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The worker's choice of transport against real in-process shards whose shared-memory folder is the
 * test's own: with shared memory the floats go through segments and training is exactly what it is
 * with gRPC messages; {@code auto} falls back to messages with shards that cannot attach, {@code
 * shm} refuses to. (assertArrayEquals compares floats by their bits: "equal" is bit for bit.)
 */
class SharedMemoryClientTest {
  /** 10 parameters over 3 shards: slices of 4, 3 and 3. */
  private static final ParameterLayout LAYOUT =
      new ParameterLayout(List.of(new TensorSpec("w", 2, 3), new TensorSpec("b", 4)));

  @TempDir Path shm;

  private static ServerConfig shards(OptimizerConfig optimizer, Path dir) {
    return new ServerConfig("127.0.0.1", 0, 0, 3, 1, ConsistencyMode.ASYNC, optimizer).withSharedMemoryDir(dir);
  }

  private static float[] wave(double phase) {
    float[] v = new float[(int) LAYOUT.numParams()];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) Math.sin(phase + 0.7 * i);
    }
    return v;
  }

  /** What each shard counted (versions, staleness, workers, rejections), without timings or transient buffers. */
  private static List<StatusReply> counters(InProcessShards shards) throws Exception {
    return shards.status().stream().map(s -> s.toBuilder().clearApplyMicros().clearProcessCpuSeconds()
        .clearReplyBufferBytes().build()).toList();
  }

  /** Files in {@code dir} other than the shards' doorbells (each a folder holding its socket). */
  private static long filesIn(Path dir) throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> !Files.isDirectory(p)).count();
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = Transport.class, names = {"AUTO", "SHM"})
  void withSharedMemoryEveryShardAttachesAndTrainingIsBitForBitAsWithGrpc(Transport transport) throws Exception {
    OptimizerConfig adam = OptimizerConfig.defaults(OptimizerKind.ADAM, 0.01);
    try (InProcessShards viaShm = new InProcessShards(shards(adam, shm));
        InProcessShards viaGrpc = new InProcessShards(shards(adam, shm))) {
      ShardedClient shared = viaShm.client(0, LAYOUT, transport, shm);
      ShardedClient grpc = viaGrpc.client(0, LAYOUT, Transport.GRPC, shm);
      float[] ps = wave(0);
      float[] pg = wave(0);
      shared.join(ps, 10).get();
      grpc.join(pg, 10).get();
      assertArrayEquals(new boolean[] {true, true, true}, shared.sharedMemory());
      assertArrayEquals(new boolean[] {true, true, true}, shared.doorbells());
      assertArrayEquals(new boolean[] {false, false, false}, grpc.sharedMemory());
      assertArrayEquals(new boolean[] {false, false, false}, grpc.doorbells());
      assertEquals(List.of("shm-doorbell", "shm-doorbell", "shm-doorbell"), shared.dataPlanes());
      assertEquals(List.of("grpc", "grpc", "grpc"), grpc.dataPlanes());
      assertEquals(0, filesIn(shm), "every segment is unlinked once its shard has mapped it");

      for (long step = 0; step < 5; step++) {
        float[] g = wave(1 + step);
        PushResult rs = shared.pushPull(g, 1f, 1, step, ps).get();
        PushResult rg = grpc.pushPull(g, 1f, 1, step, pg).get();
        assertArrayEquals(new long[] {step + 1, step + 1, step + 1}, rs.versions());
        assertArrayEquals(rg.versions(), rs.versions());
        assertArrayEquals(rg.staleness(), rs.staleness());
        assertArrayEquals(rg.stepLag(), rs.stepLag());
        assertArrayEquals(rg.dropped(), rs.dropped());
        assertArrayEquals(pg, ps, "parameters after step " + step);
      }
      assertFalse(ps[0] == wave(0)[0], "training moved the parameters");
      assertEquals(counters(viaGrpc), counters(viaShm));
    }
  }

  @ParameterizedTest(name = "shards {0}")
  @ValueSource(strings = {"with --no-shm", "with another folder"})
  void autoSendsFloatsInGrpcMessagesToShardsThatCannotAttachAndTrainsAsUsual(String shardsStarted) throws Exception {
    Path shardFolder = shardsStarted.equals("with --no-shm") ? null : Files.createDirectory(shm.resolve("shard"));
    Path workerFolder = Files.createDirectory(shm.resolve("worker"));
    try (InProcessShards shards = new InProcessShards(shards(OptimizerConfig.sgd(0.5, 0.0), shardFolder))) {
      ShardedClient client = shards.client(0, LAYOUT, Transport.AUTO, workerFolder);
      float[] params = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
      client.join(params, 10).get();
      assertArrayEquals(new boolean[] {false, false, false}, client.sharedMemory());
      assertEquals(0, filesIn(workerFolder), "refused segments are unlinked too");
      PushResult result = client.pushPull(new float[] {2, 2, 2, 2, 2, 2, 2, 2, 2, -4}, 1f, 1, 0, params).get();
      assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 12}, params);
      assertArrayEquals(new long[] {1, 1, 1}, result.versions());
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"started with --no-doorbell", "whose doorbell is unreachable"})
  void withShardsThatOfferNoReachableDoorbellHeadersTravelOnHeaderStreamsAndTrainingIsTheSame(String shardsAre)
      throws Exception {
    OptimizerConfig adam = OptimizerConfig.defaults(OptimizerKind.ADAM, 0.01);
    boolean offer = !shardsAre.equals("started with --no-doorbell");
    try (InProcessShards viaHeaderStreams = new InProcessShards(shards(adam, shm).withDoorbell(offer));
        InProcessShards viaGrpc = new InProcessShards(shards(adam, shm))) {
      if (offer) {
        try (Stream<Path> files = Files.walk(shm, 2)) {
          for (Path socket : files.filter(p -> p.toString().endsWith(".sock")).toList()) {
            Files.delete(socket); // the shards still offer the path; connecting to it fails
          }
        }
      }
      ShardedClient shared = viaHeaderStreams.client(0, LAYOUT, Transport.SHM, shm);
      ShardedClient grpc = viaGrpc.client(0, LAYOUT, Transport.GRPC, shm);
      float[] ps = wave(0);
      float[] pg = wave(0);
      shared.join(ps, 10).get();
      grpc.join(pg, 10).get();
      assertArrayEquals(new boolean[] {true, true, true}, shared.sharedMemory());
      assertArrayEquals(new boolean[] {false, false, false}, shared.doorbells());
      assertEquals(List.of("shm-stream", "shm-stream", "shm-stream"), shared.dataPlanes());
      for (long step = 0; step < 3; step++) {
        float[] g = wave(1 + step);
        assertArrayEquals(grpc.pushPull(g, 1f, 1, step, pg).get().versions(),
            shared.pushPull(g, 1f, 1, step, ps).get().versions());
        assertArrayEquals(pg, ps, "parameters after step " + step);
      }
    }
  }

  @Test
  void aShardThatStopsFailsTheDoorbellPushUnavailableAndJoiningAgainRingsTheNewShard() throws Exception {
    try (InProcessShards shards = new InProcessShards(shards(OptimizerConfig.sgd(0.5, 0.0), shm))) {
      ShardedClient client = shards.client(0, LAYOUT, Transport.SHM, shm);
      float[] params = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
      client.join(params, 10).get();
      float[] g = {2, 2, 2, 2, 2, 2, 2, 2, 2, -4};
      client.pushPull(g, 1f, 1, 0, params).get();
      shards.restart(1);
      ExecutionException e = assertThrows(ExecutionException.class, () -> client.pushPull(g, 1f, 1, 1, params).get());
      io.grpc.StatusRuntimeException status = assertInstanceOf(io.grpc.StatusRuntimeException.class, e.getCause());
      assertEquals(io.grpc.Status.Code.UNAVAILABLE, status.getStatus().getCode());
      assertTrue(status.getStatus().getDescription().startsWith("doorbell to shard 1 ended"),
          status.getStatus().getDescription());

      float[] fresh = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
      client.join(fresh, 10).get();
      assertArrayEquals(new boolean[] {true, true, true}, client.doorbells());
      PushResult again = client.pushPull(g, 1f, 1, 2, fresh).get();
      assertEquals(1, again.versions()[1], "the restarted shard applied its first push");
    }
  }

  @Test
  void shmFailsTheJoinWithTheReasonOfTheFirstShardThatRefuses() throws Exception {
    try (InProcessShards shards = new InProcessShards(shards(OptimizerConfig.sgd(0.5, 0.0), null))) {
      ShardedClient client = shards.client(0, LAYOUT, Transport.SHM, shm);
      ExecutionException e = assertThrows(ExecutionException.class, () -> client.join(new float[10], 10).get());
      IllegalStateException cause = assertInstanceOf(IllegalStateException.class, e.getCause());
      assertEquals("--transport shm: no shared memory with shard 0: "
          + "shard 0 does not accept shared-memory segments (started with --no-shm)", cause.getMessage());
      assertEquals(0, filesIn(shm));
    }
  }

  @Test
  void shmFailsTheJoinWhenTheWorkerCannotCreateItsSegments() throws Exception {
    Path absent = shm.resolve("absent");
    try (InProcessShards shards = new InProcessShards(shards(OptimizerConfig.sgd(0.5, 0.0), shm))) {
      ShardedClient client = shards.client(0, LAYOUT, Transport.SHM, absent);
      ExecutionException e = assertThrows(ExecutionException.class, () -> client.join(new float[10], 10).get());
      assertEquals("--transport shm: no shared memory with shard 0: cannot create a segment in " + absent
          + ": shared-memory folder " + absent + " does not exist", e.getCause().getMessage());
    }
  }
}
