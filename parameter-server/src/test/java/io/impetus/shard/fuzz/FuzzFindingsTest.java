package io.impetus.shard.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor.MethodType;
import io.grpc.Status;
import io.impetus.proto.JoinReply;
import io.impetus.proto.JoinRequest;
import io.impetus.proto.PushChunk;
import io.impetus.proto.PushHeader;
import io.impetus.shard.fuzz.Fixture.Transport;
import io.impetus.wire.FloatCodec;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The fuzzer's findings, each as the smallest case that showed it, kept as examples. */
class FuzzFindingsTest {
  private static final int WORKER = 0;

  /**
   * A push whose header chunk claimed the worker's slot and whose next chunk does not parse: gRPC
   * closed the call itself, the push's handler never heard of it, and the slot stayed claimed, so every
   * later push of that worker was refused as "already has a push in flight".
   */
  @ParameterizedTest
  @EnumSource(Transport.class)
  void aPushWhoseLaterChunkDoesNotParseLeavesItsWorkerFreeToPush(Transport transport) throws Exception {
    try (Fixture f = Fixture.start(transport)) {
      RawCall.Outcome join = call(f, "Join", MethodType.UNARY, List.of(JoinRequest.newBuilder()
          .setWorkerId(WORKER).setLayout(Fixture.layout()).setSession(7).build().toByteArray()));
      assertEquals(Status.Code.OK, join.status().getCode());
      ByteString key = JoinReply.parseFrom(join.replies().get(0)).getSessionKey();

      Status broken = call(f, "PushPull", MethodType.BIDI_STREAMING,
          List.of(pushChunk(1, key), new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff})).status();
      assertEquals(Status.Code.INVALID_ARGUMENT, broken.getCode(), "a push with a chunk that does not parse: " + broken);

      Status next = call(f, "PushPull", MethodType.BIDI_STREAMING, List.of(pushChunk(2, key))).status();
      assertEquals(Status.Code.OK, next.getCode(), "the worker's next push: " + next);
    }
  }

  /**
   * A push refused at its header (here: a key of no session), then a chunk that does not parse: the
   * shard had answered the call already, and closing it again for the bad chunk threw "call already
   * closed" into gRPC's executor, logged at SEVERE once per such message. The refusal stands, alone.
   */
  @ParameterizedTest
  @EnumSource(Transport.class)
  void aChunkThatDoesNotParseAfterTheShardRefusedThePushIsDroppedQuietly(Transport transport) throws Exception {
    List<LogRecord> severe = new CopyOnWriteArrayList<>();
    Handler collect = new Handler() {
      @Override
      public void publish(LogRecord r) {
        if (r.getLevel().intValue() >= Level.SEVERE.intValue()) {
          severe.add(r);
        }
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    Logger grpc = Logger.getLogger("io.grpc");
    grpc.addHandler(collect);
    try (Fixture f = Fixture.start(transport)) {
      Status refused = call(f, "PushPull", MethodType.BIDI_STREAMING, List.of(
          pushChunk(1, SessionKeys.STRANGER), new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff})).status();
      assertEquals(Status.Code.NOT_FOUND, refused.getCode(), "worker 0 never joined: " + refused);
      assertTrue(f.targetStatus().getInitialized(), "the shard answers on");
    } finally {
      grpc.removeHandler(collect);
    }
    assertEquals(List.of(), severe.stream().map(r -> String.valueOf(r.getThrown())).toList());
  }

  /** A whole valid push of {@link #WORKER}'s step {@code step} in one chunk, under its session {@code key}. */
  private static byte[] pushChunk(long step, ByteString key) {
    float[] gradient = new float[Fixture.SLICE];
    gradient[0] = 0.25f;
    return PushChunk.newBuilder().setHeader(PushHeader.newBuilder().setWorkerId(WORKER).setSessionKey(key).setWorkerStep(step).setBatchSize(1)
            .setLength(Fixture.SLICE))
        .setGradient(FloatCodec.encode(gradient)).build().toByteArray();
  }

  private static RawCall.Outcome call(Fixture f, String method, MethodType type, List<byte[]> messages)
      throws Exception {
    return Fixture.await(RawCall.start(f.attackerChannel(), Fixture.SERVICE + method, type, new Metadata(), messages,
        true, Fixture.DEADLINE_MILLIS));
  }
}
