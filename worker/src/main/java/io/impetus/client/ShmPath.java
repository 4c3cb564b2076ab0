package io.impetus.client;

import io.grpc.Status;
import io.impetus.proto.PushHeader;
import io.impetus.proto.SharedPushReply;
import io.impetus.proto.SliceHeader;
import io.impetus.wire.Refusal;
import io.impetus.wire.SharedSegment;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The shm path: one worker's pushes to one shard through the segment the shard attached, one at a
 * time. The gradient's slice goes into the segment, the header to the shard, and the shard's answer
 * (a header with the fresh slice in the segment, or an in-band refusal) completes the push. Subclasses
 * carry the headers and answers: a header stream, a long-lived gRPC call ({@link
 * HeaderStreamShmPath}), or the shard's doorbell socket ({@link DoorbellShmPath}). If the carrier
 * ends, the push waiting on it (or else the next one) fails UNAVAILABLE, and the training loop joins
 * again, which sets up a new path.
 */
abstract class ShmPath implements PushPath {
  final int shard;
  private final SharedSegment segment;
  /** Where the shard's range starts in the flat vector; the segment holds the range's length. */
  private final int start;
  private final AtomicReference<Pending> pending = new AtomicReference<>();
  private volatile Throwable closed;

  ShmPath(int shard, SharedSegment segment, int start) {
    this.shard = shard;
    this.segment = segment;
    this.start = start;
  }

  /** Sends a push's header to the shard. */
  abstract void send(PushHeader header) throws Exception;

  /** A short name of the carrier, for messages: {@code header stream} or {@code doorbell}. */
  abstract String carrier();

  /**
   * Pushes the gradient's slice through the segment; the future completes once the fresh slice is in
   * {@code params}. Throws IllegalStateException if a push is still in flight.
   */
  @Override
  public final CompletableFuture<SliceReceiver.Received> push(PushHeader header, float[] gradient, float[] params) {
    Pending p = new Pending(params);
    if (closed != null) {
      return CompletableFuture.failedFuture(ended());
    }
    if (!pending.compareAndSet(null, p)) {
      throw new IllegalStateException("a push to shard " + shard + " is still in flight");
    }
    segment.writeGradient(gradient, start);
    try {
      send(header);
    } catch (Exception e) {
      closed = e;
    }
    // The carrier may have ended while we sent: whoever takes the pending push fails it.
    if (closed != null && pending.compareAndSet(p, null)) {
      p.result.completeExceptionally(ended());
    }
    return p.result;
  }

  /** The shard's answer to the push in flight. */
  final void answer(SharedPushReply reply) {
    Pending p = pending.getAndSet(null);
    if (p == null) {
      return; // an answer nobody waits for: the carrier is out of step, the next push will tell
    }
    if (!reply.hasHeader()) {
      // The same exception, reason included, as a gRPC call refused by the shard fails with.
      p.result.completeExceptionally(Refusal.ofShared(reply).toException());
      return;
    }
    SliceHeader header = reply.getHeader();
    if (header.getLength() != segment.length()) {
      p.result.completeExceptionally(new IllegalStateException(
          "shard " + shard + " answered with a slice of " + header.getLength() + " floats, expected " + segment.length()));
      return;
    }
    segment.readSlice(p.params, start);
    p.result.complete(new SliceReceiver.Received(header.getVersion(), header.getStaleness(), header.getStepLag(),
        header.getDropped()));
  }

  /** The carrier ended because of {@code why}: the push in flight, and every later one, fails. */
  final void end(Throwable why) {
    if (closed == null) {
      closed = why;
    }
    Pending p = pending.getAndSet(null);
    if (p != null) {
      p.result.completeExceptionally(ended());
    }
  }

  /**
   * Ends the carrier with DEADLINE_EXCEEDED if the push in flight has waited longer than {@code
   * limitNanos} (a shard that stopped answering): the push fails, and the worker joins again, which
   * sets up a new path. Called from a watchdog thread.
   */
  final void failIfOlderThan(long limitNanos) {
    Pending p = pending.get();
    if (p != null && System.nanoTime() - p.sentNanos > limitNanos) {
      end(Status.DEADLINE_EXCEEDED.withDescription("no answer from shard " + shard + " within "
          + TimeUnit.NANOSECONDS.toMillis(limitNanos) + " ms").asRuntimeException());
    }
  }

  /** Whether the carrier has ended. */
  final boolean isClosed() {
    return closed != null;
  }

  /** The failure of a push on an ended carrier: UNAVAILABLE, so the training loop joins again. */
  private RuntimeException ended() {
    Throwable why = closed;
    Status status = Status.fromThrowable(why);
    if (status.getCode() == Status.Code.UNKNOWN) {
      status = Status.UNAVAILABLE.withCause(why);
    }
    String description = status.getDescription() == null ? "" : ": " + status.getDescription();
    return status.withDescription(carrier() + " to shard " + shard + " ended" + description).asRuntimeException();
  }

  private record Pending(float[] params, CompletableFuture<SliceReceiver.Received> result, long sentNanos) {
    Pending(float[] params) {
      this(params, new CompletableFuture<>(), System.nanoTime());
    }
  }
}
