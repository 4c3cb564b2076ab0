package io.impetus.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.impetus.optim.OptimizerConfig;
import io.impetus.proto.Layout;
import io.impetus.shard.ConsistencyMode;
import io.impetus.shard.ServerConfig;
import io.impetus.wire.WireMethods;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One link to one shard, against real in-process shards: it joins (initializing the shard from its
 * range of the worker's values), reads and writes only its range of the flat vector, keeps the
 * version last received, and pushes on the one path its join chose, which the next join replaces.
 */
class ShardLinkTest {
  /** 6 parameters over 2 shards: shard 1 owns [3, 6). */
  private static final int P = 6;
  private static final int START = 3;
  private static final int LENGTH = 3;

  @TempDir Path shm;
  private ExecutorService background;
  private InProcessShards shards;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    background = Executors.newSingleThreadExecutor();
    shards = new InProcessShards(new ServerConfig("127.0.0.1", 0, 0, 2, 1, ConsistencyMode.ASYNC,
        OptimizerConfig.sgd(0.5, 0.0)).withSharedMemoryDir(shm));
    channel = shards.channel(1);
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    shards.close();
    background.shutdownNow();
  }

  private ShardLink link(Transport transport) {
    LinkContext context = new LinkContext(0, 1L, transport, WireMethods.zeroCopy(), new ChunkWriter(false),
        WirePrecision.FP32, new ShmPathSetup(0, shm, background), background, CallDeadlines.defaults());
    return new ShardLink(1, channel, START, LENGTH, context);
  }

  private static Layout layout() {
    return Layout.newBuilder().setNumParams(P).setNumShards(2).setShardIndex(1).setModel("link").build();
  }

  @Test
  void aLinkInitializesPushesAndPullsOnlyItsRangeAndKeepsTheLastVersion() throws Exception {
    try (ShardLink link = link(Transport.GRPC)) {
      AtomicLong lease = new AtomicLong(-1);
      float[] params = {-1, -1, -1, 4, 6, 8};
      link.join(layout(), params, 10, true, lease::set).get();
      assertTrue(lease.get() >= 0, "the shard's lease is handed on");
      assertEquals("grpc", link.path().dataPlane());

      float[] gradient = {9, 9, 9, 2, 2, -2};
      SliceReceiver.Received reply = link.pushPull(gradient, 0, 1f, 1, 0, params).get();
      assertEquals(1, reply.version());
      assertEquals(1, link.version());
      assertArrayEquals(new float[] {-1, -1, -1, 3, 5, 9}, params, "outside [3, 6) nothing is written");

      float[] pulled = {7, 7, 7, 0, 0, 0};
      link.pull(pulled).get();
      assertArrayEquals(new float[] {7, 7, 7, 3, 5, 9}, pulled);
    }
  }

  @Test
  void pushesTakeTheGrpcPathUntilAJoinChoosesAndEachJoinReplacesThePathItChose() throws Exception {
    try (ShardLink link = link(Transport.SHM)) {
      PushPath before = link.path();
      assertInstanceOf(GrpcPath.class, before);
      float[] params = {0, 0, 0, 1, 2, 3};
      link.join(layout(), params, 10, true, lease -> {}).get();
      PushPath first = link.path();
      assertEquals("shm-doorbell", first.dataPlane());

      link.join(layout(), params, 10, true, lease -> {}).get();
      assertNotSame(first, link.path());
      assertEquals("shm-doorbell", link.path().dataPlane());
      ExecutionException e = assertThrows(ExecutionException.class,
          () -> first.push(io.impetus.proto.PushHeader.getDefaultInstance(), params, params).get());
      Status ended = assertInstanceOf(StatusRuntimeException.class, e.getCause()).getStatus();
      assertEquals(Status.Code.CANCELLED, ended.getCode(), "the replaced path was ended by the worker");

      SliceReceiver.Received reply = link.pushPull(new float[] {0, 0, 0, 2, 2, 2}, link.version(), 0f, 1, 0, params)
          .get();
      assertEquals(1, reply.version());
      assertArrayEquals(new float[] {0, 0, 0, 0, 1, 2}, params);
    }
  }

  @Test
  void withGrpcTheJoinKeepsTheGrpcPathItStartedWith() throws Exception {
    try (ShardLink link = link(Transport.GRPC)) {
      PushPath grpc = link.path();
      link.join(layout(), new float[P], 10, true, lease -> {}).get();
      assertSame(grpc, link.path(), "one grpc path per link: its gradient buffer is reused every step");
    }
  }
}
