package io.impetus.shard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.impetus.optim.OptimizerConfig;
import com.google.protobuf.ByteString;
import io.impetus.proto.JoinRequest;
import io.impetus.proto.PushHeader;
import io.impetus.shard.ShardException.Code;
import io.impetus.staleness.StalenessPolicy;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import org.junit.jupiter.api.Test;

/**
 * The shard's core on its own, with no transport at all: pushes are claimed, filled and handed over
 * as a transport does, and answered through {@link RecordingReply}. Calls run on the test's thread,
 * which stands in for the update loop. The shard is shard 0 of 1, for a 3-parameter model.
 */
class ShardCoreTest {
  static final float[] INIT = {1f, 2f, 4f};

  private static Shard start(ConsistencyMode mode, int workers) throws ShardException {
    return start(new ServerConfig("127.0.0.1", 0, 0, 1, workers, mode, 0, 0, 60_000,
        new StalenessPolicy.None(), OptimizerConfig.sgd(0.5, 0.0)));
  }

  /** A shard 0 of 1 for the 3-parameter model, every worker of {@code config} joined, initialized to {@link #INIT}. */
  static Shard start(ServerConfig config) throws ShardException {
    Shard shard = new Shard(config, () -> 0L);
    ByteString[] keys = new ByteString[config.workers()];
    for (int w = 0; w < config.workers(); w++) {
      keys[w] = shard.join(JoinRequest.newBuilder().setWorkerId(w)
          .setLayout(ShardTestClient.layout(INIT.length, 1, 0, ShardTestClient.FINGERPRINT)).build()).getSessionKey();
    }
    KEYS.put(shard, keys);
    assertFalse(shard.initialize(INIT.clone()));
    return shard;
  }

  /** The session keys of the workers {@link #start} joined, by shard. */
  private static final Map<Shard, ByteString[]> KEYS = Collections.synchronizedMap(new WeakHashMap<>());

  /** The session key {@link #start} got for {@code worker} of {@code shard}. */
  static ByteString key(Shard shard, int worker) {
    return KEYS.get(shard)[worker];
  }

  /** A push header of {@code worker}'s session on {@code shard}. */
  static PushHeader header(Shard shard, int worker, long readVersion, long step, int length) {
    return ShardTestClient.header(worker, readVersion, step, length).toBuilder()
        .setSessionKey(key(shard, worker)).build();
  }

  /** Pushes {@code gradient} as a transport does: claim the buffer, fill it, hand it over. */
  static RecordingReply push(Shard shard, int worker, long readVersion, long step, float[] gradient)
      throws ShardException {
    PushHeader header = header(shard, worker, readVersion, step, gradient.length);
    WorkerSlot slot = shard.claim(header);
    System.arraycopy(gradient, 0, slot.gradient(), 0, gradient.length);
    RecordingReply reply = new RecordingReply();
    shard.push(slot, header, reply);
    return reply;
  }

  @Test
  void pushingAGradientKTimesSubtractsKTimesLrTimesTheGradient() throws Exception {
    Shard shard = start(ConsistencyMode.ASYNC, 1);
    RecordingReply last = null;
    for (int k = 0; k < 4; k++) {
      last = push(shard, 0, k, k, new float[] {1f, -2f, 0.5f});
      assertEquals(k + 1, last.header.getVersion());
      assertEquals(0, last.header.getStaleness());
      assertEquals(3, last.header.getLength());
    }
    // p = INIT - 4 * 0.5 * g
    assertArrayEquals(new float[] {-1f, 6f, 3f}, last.values);
    RecordingReply pulled = new RecordingReply();
    shard.pull(0, key(shard, 0), pulled);
    assertArrayEquals(last.values, pulled.values);
    assertEquals(4, pulled.header.getVersion());
  }

  @Test
  void aRefusedPushIsAnsweredThroughItsReplyCountedAndGivesTheBufferBack() throws Exception {
    Shard shard = start(ConsistencyMode.ASYNC, 1);
    RecordingReply refused = push(shard, 0, 5, 0, new float[] {1f, 1f, 1f});
    assertNull(refused.header);
    assertEquals(Code.INVALID_ARGUMENT, refused.error.code());
    assertEquals("read_version 5 is ahead of this shard's version", refused.error.getMessage());
    assertEquals(Map.of("invalid_argument", 1L), shard.status().getRejectedMap());
    assertEquals(1, push(shard, 0, 0, 0, new float[] {1f, 1f, 1f}).header.getVersion(), "the buffer is free again");
  }

  @Test
  void aSecondClaimWhileAPushIsInFlightIsRefusedAndCounted() throws Exception {
    Shard shard = start(ConsistencyMode.ASYNC, 1);
    PushHeader header = header(shard, 0, 0, 0, INIT.length);
    WorkerSlot claimed = shard.claim(header);
    ShardException e = assertThrows(ShardException.class, () -> shard.claim(header));
    assertEquals(Code.FAILED_PRECONDITION, e.code());
    assertEquals("worker 0 already has a push in flight to shard 0", e.getMessage());
    claimed.release();
    assertSame(claimed, shard.claim(header));
    assertEquals(Map.of("concurrent_push", 1L), shard.status().getRejectedMap());
  }

  @Test
  void aSyncRoundAnswersEveryPushOnceWithTheSameAveragedUpdate() throws Exception {
    Shard shard = start(ConsistencyMode.SYNC, 2);
    RecordingReply first = push(shard, 1, 0, 0, new float[] {2f, 0f, 4f});
    assertFalse(first.answered(), "the round waits for worker 0");
    RecordingReply second = push(shard, 0, 0, 0, new float[] {0f, 2f, 0f});
    // average (1, 1, 2); p = INIT - 0.5 * average
    float[] expected = {0.5f, 1.5f, 3f};
    assertArrayEquals(expected, first.values);
    assertArrayEquals(expected, second.values);
    assertEquals(1, first.header.getVersion());
    assertEquals(1, second.header.getVersion());
    assertEquals(1, first.answers);
    assertEquals(1, second.answers);
  }

  @Test
  void pullingBeforeInitializationIsRefusedThroughTheReply() throws Exception {
    ServerConfig config = new ServerConfig("127.0.0.1", 0, 0, 1, 1, ConsistencyMode.ASYNC, OptimizerConfig.sgd(0.5, 0));
    Shard shard = new Shard(config, () -> 0L);
    ByteString key = shard.join(JoinRequest.newBuilder().setWorkerId(0)
        .setLayout(ShardTestClient.layout(INIT.length, 1, 0, ShardTestClient.FINGERPRINT)).build()).getSessionKey();
    RecordingReply reply = new RecordingReply();
    shard.pull(0, key, reply);
    assertEquals(Code.FAILED_PRECONDITION, reply.error.code());
    assertEquals("shard 0 has no parameters yet: a worker must join and initialize it", reply.error.getMessage());
    assertTrue(reply.answered());
  }
}
