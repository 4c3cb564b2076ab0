package io.impetus.shard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.impetus.optim.OptimizerConfig;
import io.impetus.optim.OptimizerKind;
import io.impetus.proto.AttachSegmentReply;
import io.impetus.proto.SharedPushReply;
import io.impetus.proto.SliceHeader;
import io.impetus.wire.DoorbellChannel;
import io.impetus.wire.SharedSegment;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A shard with its doorbell, the Unix-domain socket that carries same-host pushes through shared memory
 * without HTTP/2: what AttachSegment offers, that a push on it changes the shard exactly as the same
 * push on a PushPullSharedStream does, and how it refuses pushes and bad frames. Every shard here is
 * shard 1 of 2 (see {@link SharedMemoryShards}).
 */
class DoorbellShardTest extends SharedMemoryShards {
  private final List<DoorbellChannel> bells = new ArrayList<>();

  @AfterEach
  void hangUp() {
    bells.forEach(DoorbellChannel::close);
  }

  /** An async shard with segments from the test's folder, offering a doorbell or not. */
  private ShardTestClient start(OptimizerConfig optimizer, boolean doorbell) throws Exception {
    return serve(ConsistencyMode.ASYNC, optimizer, config -> config.withSharedMemoryDir(shm).withDoorbell(doorbell));
  }

  private DoorbellChannel ring(AttachSegmentReply attached) throws IOException {
    DoorbellChannel bell = DoorbellChannel.connect(Path.of(attached.getDoorbell()));
    bells.add(bell);
    return bell;
  }

  /** One push on the doorbell, as a worker makes it: gradient into the segment, header on the socket. */
  private static SharedPushReply push(ShardTestClient shard, DoorbellChannel bell, SharedSegment segment, int worker,
      long read, long step, float[] gradient) throws IOException {
    segment.writeGradient(gradient, 0);
    bell.write(shard.keyed(ShardTestClient.header(worker, read, step, gradient.length)));
    return bell.read(SharedPushReply.parser());
  }

  private static float[] slice(SharedSegment segment) {
    float[] values = new float[SLICE];
    segment.readSlice(values, 0);
    return values;
  }

  /** The doorbell sockets in {@code dir}: one in each doorbell's folder. */
  private static List<Path> sockets(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir, 2)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".sock")).toList();
    }
  }

  @Test
  void attachOffersASocketInTheShmFolderAndItsPushesChangeTheShardBitForBitAsTheSamePushesOnAStream()
      throws Exception {
    OptimizerConfig adam = OptimizerConfig.defaults(OptimizerKind.ADAM, 0.01);
    ShardTestClient byStream = start(adam, true);
    ShardTestClient byBell = start(adam, true);
    SharedSegment streamSegment = SharedSegment.create(shm, "stream", SLICE);
    byStream.attach(0, streamSegment);
    SharedSegment bellSegment = SharedSegment.create(shm, "bell", SLICE);
    AttachSegmentReply attached = byBell.attach(0, bellSegment);
    Path socket = Path.of(attached.getDoorbell());
    assertEquals(shm, socket.getParent().getParent());
    assertTrue(socket.getParent().getFileName().toString().matches("impetus-shard1-\\d+-[0-9a-f]+"), socket.toString());
    assertEquals("doorbell.sock", socket.getFileName().toString());
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket.getParent())),
        "only the shard's user may enter the doorbell's folder");
    DoorbellChannel bell = ring(attached);

    long read = 0;
    for (long step = 0; step < 5; step++) {
      float[] g = {(float) Math.sin(step) * 0.3f, 0.7f, (float) -step / 3, 1e-3f};
      ShardTestClient.Slice expected = byStream.pushShared(0, read, step, g, streamSegment).join();
      SharedPushReply reply = push(byBell, bell, bellSegment, 0, read, step, g);
      SliceHeader header = reply.getHeader();
      assertEquals(step + 1, header.getVersion());
      assertEquals(expected.version(), header.getVersion());
      assertEquals(expected.staleness(), header.getStaleness());
      assertEquals(expected.stepLag(), header.getStepLag());
      assertEquals(expected.dropped(), header.getDropped());
      assertEquals(SLICE, header.getLength());
      assertArrayEquals(bits(expected.values()), bits(slice(bellSegment)), "step " + step);
      read = header.getVersion();
    }
    assertArrayEquals(bits(byStream.pull(0).values()), bits(byBell.pull(0).values()));
    assertEquals(byStream.status().getStaleness(), byBell.status().getStaleness());
  }

  @Test
  void aRefusedPushIsAnsweredInBandAndTheNextOneOnTheSameSocketIsApplied() throws Exception {
    ShardTestClient shard = start(OptimizerConfig.sgd(0.5, 0), true);
    SharedSegment segment = SharedSegment.create(shm, "w0", SLICE);
    DoorbellChannel bell = ring(shard.attach(0, segment));

    SharedPushReply nan = push(shard, bell, segment, 0, 0, 0, new float[] {1f, Float.NaN, 0f, 0f});
    assertFalse(nan.hasHeader());
    assertEquals(Status.Code.INVALID_ARGUMENT.value(), nan.getErrorCode());
    assertEquals("gradient value 1 of shard 1 is NaN (worker 0, step 0)", nan.getErrorMessage());
    SharedPushReply stranger = push(shard, bell, segment, 1, 0, 0, new float[] {1f, 1f, 1f, 1f});
    assertEquals(Status.Code.NOT_FOUND.value(), stranger.getErrorCode());
    assertEquals("worker 1 has not joined shard 1", stranger.getErrorMessage());
    bell.write(shard.keyed(ShardTestClient.header(0, 0, 0, 3)));
    assertEquals("gradient has 3 values, shard 1 expects 4", bell.read(SharedPushReply.parser()).getErrorMessage());

    float[] g = {1f, 0.5f, -2f, 0.25f};
    SharedPushReply applied = push(shard, bell, segment, 0, 0, 1, g);
    assertEquals(1, applied.getHeader().getVersion(), "the refused pushes changed nothing");
    float[] expected = new float[SLICE];
    for (int i = 0; i < SLICE; i++) {
      expected[i] = INIT[i] - 0.5f * g[i];
    }
    assertArrayEquals(bits(expected), bits(slice(segment)));
    assertEquals(Map.of("non_finite", 1L, "unknown_worker", 1L, "wrong_length", 1L), shard.status().getRejectedMap());
  }

  @Test
  void headersWrittenBeforeTheirAnswersAreProcessedOneAfterAnotherAndAnsweredInOrder() throws Exception {
    ShardTestClient shard = start(OptimizerConfig.sgd(0.5, 0), true);
    SharedSegment segment = SharedSegment.create(shm, "w0", SLICE);
    DoorbellChannel bell = ring(shard.attach(0, segment));
    segment.writeGradient(new float[] {1f, 1f, 1f, 1f}, 0);
    for (long step = 0; step < 3; step++) {
      bell.write(shard.keyed(ShardTestClient.header(0, step, step, SLICE)));
    }
    for (long step = 0; step < 3; step++) {
      assertEquals(step + 1, bell.read(SharedPushReply.parser()).getHeader().getVersion());
    }
    // Each push read the same gradient: p = INIT - 3 * 0.5 * 1.
    assertArrayEquals(new float[] {-1f, -2.75f, 1.5f, -1.4f}, shard.pull(0).values());
    assertEquals(Map.of(), shard.status().getRejectedMap());
  }

  @Test
  void aConnectionThatBreaksTheFramingIsClosedAndChangesNothing() throws Exception {
    ShardTestClient shard = start(OptimizerConfig.sgd(0.5, 0), true);
    SharedSegment segment = SharedSegment.create(shm, "w0", SLICE);
    AttachSegmentReply attached = shard.attach(0, segment);
    segment.writeGradient(new float[] {1f, 1f, 1f, 1f}, 0);
    byte[][] frames = {
        {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x7f}, // a length far above the frame limit
        {3, (byte) 0xff, (byte) 0xff, (byte) 0xff}, // three bytes that are no PushHeader
    };
    for (byte[] frame : frames) {
      try (SocketChannel raw = SocketChannel.open(StandardProtocolFamily.UNIX)) {
        raw.connect(UnixDomainSocketAddress.of(attached.getDoorbell()));
        raw.write(ByteBuffer.wrap(frame));
        assertEquals(-1, raw.read(ByteBuffer.allocate(16)), "the shard closes the connection without an answer");
      }
    }
    assertEquals(0, shard.pull(0).version());
    assertEquals(Map.of(), shard.status().getRejectedMap(), "a broken frame is not a push");
    DoorbellChannel fresh = ring(attached);
    assertEquals(1, push(shard, fresh, segment, 0, 0, 0, new float[] {1f, 1f, 1f, 1f}).getHeader().getVersion());
  }

  @Test
  void aShardStartedWithoutADoorbellOffersNoneAndCreatesNoSocket() throws Exception {
    ShardTestClient shard = start(OptimizerConfig.sgd(0.5, 0), false);
    AttachSegmentReply attached = shard.attach(0, SharedSegment.create(shm, "w0", SLICE));
    assertEquals("", attached.getDoorbell());
    assertEquals(List.of(), sockets(shm));
    assertNull(servers.get(0).doorbellPath());
  }

  @Test
  void aStartingShardRemovesSocketsNoShardListensOnAndKeepsLiveOnes() throws Exception {
    Path stale = Files.createDirectory(shm.resolve("impetus-shard0-1-abc")).resolve("doorbell.sock");
    try (java.nio.channels.ServerSocketChannel killed = java.nio.channels.ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      killed.bind(UnixDomainSocketAddress.of(stale)); // closed without removing its file, as kill -9 leaves it
    }
    assertTrue(Files.exists(stale));
    start(OptimizerConfig.sgd(0.5, 0), true);
    Path live = servers.get(0).doorbellPath();
    start(OptimizerConfig.sgd(0.5, 0), true);
    assertFalse(Files.exists(stale));
    assertFalse(Files.exists(stale.getParent()), "the dead shard's folder goes with its socket");
    assertEquals(java.util.Set.of(live, servers.get(1).doorbellPath()), java.util.Set.copyOf(sockets(shm)));
  }

  @Test
  void stoppingTheShardClosesItsConnectionsAndRemovesTheSocket() throws Exception {
    ShardTestClient shard = start(OptimizerConfig.sgd(0.5, 0), true);
    SharedSegment segment = SharedSegment.create(shm, "w0", SLICE);
    DoorbellChannel bell = ring(shard.attach(0, segment));
    assertEquals(1, push(shard, bell, segment, 0, 0, 0, new float[] {1f, 1f, 1f, 1f}).getHeader().getVersion());
    assertEquals(1, sockets(shm).size());

    servers.get(0).stop();
    assertNull(bell.read(SharedPushReply.parser()), "the connection ends between messages");
    assertEquals(List.of(), sockets(shm));
    assertEquals(List.of(shm), Files.walk(shm, 1).filter(Files::isDirectory).toList(), "and so does its folder");
    assertThrows(IOException.class, () -> DoorbellChannel.connect(servers.get(0).doorbellPath()));
  }
}
