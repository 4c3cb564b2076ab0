package io.impetus.shard.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.impetus.shard.UpdateLoop;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The update loop as calls meet it: its queue is bounded (a call beyond it is refused at once, on the
 * caller's thread, with RESOURCE_EXHAUSTED) and a task that fails on it, even with an Error, answers its
 * caller with INTERNAL, is counted, and the loop goes on.
 */
class UpdateLoopBoundsTest {
  private final UpdateLoop loop = new UpdateLoop(4, 2);

  @AfterEach
  void close() {
    loop.close();
  }

  /** The outcome of one unary call: its reply, or its status. */
  private static final class Answer<T> implements StreamObserver<T> {
    final CompletableFuture<T> reply = new CompletableFuture<>();
    private T value;

    @Override
    public void onNext(T v) {
      value = v;
    }

    @Override
    public void onError(Throwable t) {
      reply.completeExceptionally(t);
    }

    @Override
    public void onCompleted() {
      reply.complete(value);
    }

    Status status() {
      try {
        reply.get(10, TimeUnit.SECONDS);
        return Status.OK;
      } catch (java.util.concurrent.ExecutionException e) {
        return Status.fromThrowable(e.getCause());
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    }
  }

  @Test
  void aCallBeyondTheQueuedBoundIsRefusedAtOnceWithResourceExhaustedAndTheQueuedOnesAreStillAnswered()
      throws Exception {
    CountDownLatch busy = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    loop.execute(() -> {
      busy.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    assertTrue(busy.await(10, TimeUnit.SECONDS));
    Answer<String> first = new Answer<>();
    Answer<String> second = new Answer<>();
    Answer<String> third = new Answer<>();
    Calls.unary(loop, first, () -> "one");
    Calls.unary(loop, second, () -> "two");
    Calls.unary(loop, third, () -> "three");

    // Refused on this thread, while the loop is still busy: the caller never waited for it.
    assertTrue(third.reply.isDone());
    Status refused = third.status();
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, refused.getCode());
    assertEquals("shard 4 is busy: 2 calls are waiting for its update loop already (--max-queued-calls); try again"
        + " later", refused.getDescription());
    assertFalse(first.reply.isDone());
    assertEquals(2, loop.queuedTasks());
    assertEquals(1, loop.refusedTasks());

    release.countDown();
    assertEquals("one", first.reply.get(10, TimeUnit.SECONDS));
    assertEquals("two", second.reply.get(10, TimeUnit.SECONDS));
    Answer<String> after = new Answer<>();
    Calls.unary(loop, after, () -> "again");
    assertEquals("again", after.reply.get(10, TimeUnit.SECONDS), "once drained, the loop takes calls again");
  }

  @Test
  void aTaskThatThrowsOutOfMemoryErrorAnswersInternalIsCountedAndTheNextCallWorks() throws Exception {
    Answer<String> failing = new Answer<>();
    Calls.unary(loop, failing, () -> {
      throw new OutOfMemoryError("Java heap space (thrown by the test)");
    });
    Status status = failing.status();
    assertEquals(Status.Code.INTERNAL, status.getCode());
    assertEquals("shard 4 failed while handling this call (a shard-side failure; the shard's log has the details)",
        status.getDescription(), "the caller learns that the shard failed, and nothing of its internals");
    assertNull(status.getCause());

    Answer<String> next = new Answer<>();
    Calls.unary(loop, next, () -> "still serving");
    assertEquals("still serving", next.reply.get(10, TimeUnit.SECONDS));
    assertEquals(1, loop.failedTasks());
  }

  @Test
  void aRuntimeExceptionInAPushTaskGivesTheRefusalToItsSubmitterToo() throws Exception {
    CompletableFuture<Status.Code> refused = new CompletableFuture<>();
    assertTrue(Calls.submit(loop, () -> {
      throw new IllegalStateException("a bug");
    }, e -> refused.complete(Calls.status(e).getCode()), false));
    assertEquals(Status.Code.INTERNAL, refused.get(10, TimeUnit.SECONDS));
    Answer<Integer> next = new Answer<>();
    Calls.unary(loop, next, () -> 7);
    assertEquals(7, next.reply.get(10, TimeUnit.SECONDS));
    assertEquals(1, loop.failedTasks());
  }
}
