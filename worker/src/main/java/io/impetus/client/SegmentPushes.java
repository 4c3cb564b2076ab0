package io.impetus.client;

import io.grpc.Status;
import io.impetus.proto.PushHeader;
import io.impetus.proto.SharedPushReply;
import io.impetus.proto.SliceHeader;
import io.impetus.wire.SharedSegment;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One worker's pushes to one shard through its attached segment, one at a time: the gradient goes
 * into the segment, the header to the shard, and the shard's answer (a header with the slice in the
 * segment, or an in-band refusal) completes the push. Subclasses carry the headers and answers: a
 * gRPC stream ({@link GrpcPushStream}) or the shard's doorbell socket ({@link DoorbellPushes}). If the
 * carrier ends, the push waiting on it (or else the next one) fails UNAVAILABLE, and the training loop
 * joins again, which sets up a new one.
 */
abstract class SegmentPushes {
  final int shard;
  private final SharedSegment segment;
  private final AtomicReference<Pending> pending = new AtomicReference<>();
  private volatile Throwable closed;

  SegmentPushes(int shard, SharedSegment segment) {
    this.shard = shard;
    this.segment = segment;
  }

  /** Sends a push's header to the shard. */
  abstract void send(PushHeader header) throws Exception;

  /** Ends the carrier from this side (a new join replaces it, or the client closes). */
  abstract void close();

  /** A short name of the carrier, for messages. */
  abstract String carrier();

  /** Pushes the gradient's slice through the segment; the future completes once the slice is in {@code params}. */
  final CompletableFuture<SliceReceiver.Received> push(PushHeader header, float[] gradient, float[] params, int start) {
    Pending p = new Pending(params, start);
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
      p.result.completeExceptionally(Status.fromCodeValue(reply.getErrorCode())
          .withDescription(reply.getErrorMessage()).asRuntimeException());
      return;
    }
    SliceHeader header = reply.getHeader();
    if (header.getLength() != segment.length()) {
      p.result.completeExceptionally(new IllegalStateException(
          "shard " + shard + " answered with a slice of " + header.getLength() + " floats, expected " + segment.length()));
      return;
    }
    segment.readSlice(p.params, p.start);
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

  private record Pending(float[] params, int start, CompletableFuture<SliceReceiver.Received> result) {
    Pending(float[] params, int start) {
      this(params, start, new CompletableFuture<>());
    }
  }
}
