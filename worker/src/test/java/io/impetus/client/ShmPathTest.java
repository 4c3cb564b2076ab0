package io.impetus.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.impetus.proto.PushHeader;
import io.impetus.proto.SharedPushReply;
import io.impetus.proto.SliceHeader;
import io.impetus.wire.SharedSegment;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shm path, whatever carries its headers: a push puts the gradient's slice in the segment and
 * sends the header; the shard's answer brings the fresh slice out of the segment into the worker's
 * array at the shard's range. One push at a time; a carrier that ends fails the push in flight and
 * every later one. The carrier here is played by the test, which also plays the shard.
 */
class ShmPathTest {
  /** The shard's range: 3 floats starting at 2 of a 6-float vector. */
  private static final int START = 2;
  private static final int LENGTH = 3;

  @TempDir Path dir;
  private SharedSegment worker;
  private SharedSegment shard;

  /** A carrier whose headers land in a list and whose answers the test gives. */
  private static final class Carrier extends ShmPath {
    final List<PushHeader> sent = new ArrayList<>();
    IOException failSend;

    Carrier(SharedSegment segment) {
      super(4, segment, START);
    }

    @Override
    void send(PushHeader header) throws IOException {
      if (failSend != null) {
        throw failSend;
      }
      sent.add(header);
    }

    @Override
    String carrier() {
      return "test carrier";
    }

    @Override
    public String dataPlane() {
      return "shm-test";
    }

    @Override
    public void close() {
      end(Status.CANCELLED.withDescription("closed by the worker").asRuntimeException());
    }
  }

  @BeforeEach
  void segments() throws IOException {
    worker = SharedSegment.create(dir, "w0-s4", LENGTH);
    shard = SharedSegment.open(dir, worker.path(), worker.nonce(), LENGTH);
    worker.unlink();
  }

  private static SharedPushReply answer(long version, int length) {
    return SharedPushReply.newBuilder()
        .setHeader(SliceHeader.newBuilder().setVersion(version).setLength(length).setStaleness(2).setStepLag(1))
        .build();
  }

  private static StatusRuntimeException failure(CompletableFuture<?> push) {
    ExecutionException e = assertThrows(ExecutionException.class, push::get);
    return assertInstanceOf(StatusRuntimeException.class, e.getCause());
  }

  @Test
  void aPushHandsTheRangeOfTheGradientOverAndTheAnswerBringsTheFreshSliceIntoTheRange() throws Exception {
    Carrier carrier = new Carrier(worker);
    float[] gradient = {9, 9, 1, 2, 3, 9};
    float[] params = {-1, -1, 0, 0, 0, -1};
    PushHeader header = PushHeader.newBuilder().setWorkerId(0).setLength(LENGTH).build();

    CompletableFuture<SliceReceiver.Received> push = carrier.push(header, gradient, params);
    assertEquals(List.of(header), carrier.sent);
    float[] received = new float[LENGTH];
    assertEquals(-1, shard.readGradientChecked(received));
    assertArrayEquals(new float[] {1, 2, 3}, received, "the shard reads exactly the gradient's range");
    assertFalse(push.isDone(), "done only when the shard answers");

    shard.writeSlice(new float[] {10, 20, 30});
    carrier.answer(answer(7, LENGTH));
    assertEquals(new SliceReceiver.Received(7, 2, 1, false), push.get());
    assertArrayEquals(new float[] {-1, -1, 10, 20, 30, -1}, params, "only the shard's range is written");
  }

  @Test
  void onePushAtATime() {
    Carrier carrier = new Carrier(worker);
    float[] vector = new float[6];
    carrier.push(PushHeader.getDefaultInstance(), vector, vector);
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> carrier.push(PushHeader.getDefaultInstance(), vector, vector));
    assertEquals("a push to shard 4 is still in flight", e.getMessage());
    assertEquals(1, carrier.sent.size(), "the second push sent nothing");
  }

  @Test
  void aRefusalInBandFailsThePushWithTheShardsStatusAndThePathStaysUsable() throws Exception {
    Carrier carrier = new Carrier(worker);
    float[] vector = new float[6];
    CompletableFuture<SliceReceiver.Received> refused = carrier.push(PushHeader.getDefaultInstance(), vector, vector);
    carrier.answer(SharedPushReply.newBuilder()
        .setErrorCode(Status.Code.FAILED_PRECONDITION.value())
        .setErrorMessage("worker 0 has not joined")
        .build());
    Status status = failure(refused).getStatus();
    assertEquals(Status.Code.FAILED_PRECONDITION, status.getCode());
    assertEquals("worker 0 has not joined", status.getDescription());

    CompletableFuture<SliceReceiver.Received> next = carrier.push(PushHeader.getDefaultInstance(), vector, vector);
    carrier.answer(answer(1, LENGTH));
    assertEquals(1, next.get().version());
  }

  @Test
  void anAnswerOfAnotherLengthFailsThePushAndWritesNothing() {
    Carrier carrier = new Carrier(worker);
    float[] params = {5, 5, 5, 5, 5, 5};
    CompletableFuture<SliceReceiver.Received> push = carrier.push(PushHeader.getDefaultInstance(), new float[6], params);
    carrier.answer(answer(1, LENGTH + 1));
    ExecutionException e = assertThrows(ExecutionException.class, push::get);
    assertEquals("shard 4 answered with a slice of 4 floats, expected 3", e.getCause().getMessage());
    assertArrayEquals(new float[] {5, 5, 5, 5, 5, 5}, params);
  }

  @Test
  void anEndedCarrierFailsThePushInFlightAndEveryLaterOneUnavailable() {
    Carrier carrier = new Carrier(worker);
    float[] vector = new float[6];
    CompletableFuture<SliceReceiver.Received> inFlight = carrier.push(PushHeader.getDefaultInstance(), vector, vector);
    carrier.end(new IOException("connection reset"));
    assertTrue(carrier.isClosed());
    for (CompletableFuture<SliceReceiver.Received> push :
        List.of(inFlight, carrier.push(PushHeader.getDefaultInstance(), vector, vector))) {
      Status status = failure(push).getStatus();
      assertEquals(Status.Code.UNAVAILABLE, status.getCode(), "the training loop joins again on UNAVAILABLE");
      assertEquals("test carrier to shard 4 ended", status.getDescription());
    }
    assertEquals(1, carrier.sent.size(), "nothing is sent on an ended carrier");
  }

  @Test
  void aCarrierThatCannotSendFailsThePushAndEndsThePath() {
    Carrier carrier = new Carrier(worker);
    carrier.failSend = new IOException("broken pipe");
    float[] vector = new float[6];
    Status status = failure(carrier.push(PushHeader.getDefaultInstance(), vector, vector)).getStatus();
    assertEquals(Status.Code.UNAVAILABLE, status.getCode());
    assertTrue(carrier.isClosed());
  }

  @Test
  void closingFailsThePushInFlightCancelled() {
    Carrier carrier = new Carrier(worker);
    float[] vector = new float[6];
    CompletableFuture<SliceReceiver.Received> inFlight = carrier.push(PushHeader.getDefaultInstance(), vector, vector);
    carrier.close();
    Status status = failure(inFlight).getStatus();
    assertEquals(Status.Code.CANCELLED, status.getCode());
    assertEquals("test carrier to shard 4 ended: closed by the worker", status.getDescription());
  }
}
