package io.impetus.shard.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grpc.Status;
import io.impetus.proto.SharedPushReply;
import io.impetus.shard.ShardException;
import io.impetus.shard.ShardException.Code;
import org.junit.jupiter.api.Test;

/** How a refusal of the shard's core reaches a worker: as a gRPC status, or in band on a push stream. */
class CallsTest {
  @Test
  void everyRefusalBecomesTheGrpcStatusOfTheSameNameWithItsMessage() {
    for (Code code : Code.values()) {
      Status status = Calls.status(new ShardException(code, "why"));
      assertEquals(code.name(), status.getCode().name());
      assertEquals("why", status.getDescription());
    }
    assertEquals(Status.Code.NOT_FOUND, Calls.status(new ShardException(Code.NOT_FOUND, "")).getCode());
  }

  @Test
  void anInBandRefusalCarriesTheStatusNumberAndAMessageCutAt2000Characters() {
    SharedPushReply shortOne = SegmentPushes.refusal(new ShardException(Code.ABORTED, "join again"));
    assertEquals(10, shortOne.getErrorCode());
    assertEquals("join again", shortOne.getErrorMessage());
    assertEquals(false, shortOne.hasHeader());

    SharedPushReply longOne = SegmentPushes.refusal(new ShardException(Code.INVALID_ARGUMENT, "x".repeat(2500)));
    assertEquals(3, longOne.getErrorCode());
    assertEquals("x".repeat(2000) + "…", longOne.getErrorMessage());
  }
}
