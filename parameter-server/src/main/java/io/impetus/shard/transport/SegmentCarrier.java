package io.impetus.shard.transport;

import io.impetus.proto.SharedPushReply;

/**
 * Carries the answers to one worker's shared-memory pushes back to it: a PushPullSharedStream call
 * ({@link SharedPushStreams}) or a doorbell connection ({@link Doorbell}). The worker side mirrors it
 * with {@code GrpcPushStream} and {@code DoorbellPushes}.
 *
 * <p>Contract: {@link #send} is called from the shard's update loop only, once per push and in push
 * order, so one carrier is never written by two threads at once. It must not block for long (a worker
 * has at most one push in flight, so at most one answer is ever waiting to be read), and must not throw
 * when the worker has gone away.
 */
public interface SegmentCarrier {
  /** Whether the worker has gone away (the call was cancelled, the connection closed). */
  boolean isClosed();

  /** Sends the answer to the next push: a header (the slice is in the segment) or a refusal. */
  void send(SharedPushReply reply);
}
