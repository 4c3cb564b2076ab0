package io.impetus.shard.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
