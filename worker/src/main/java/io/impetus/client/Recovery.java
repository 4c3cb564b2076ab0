package io.impetus.client;

import io.grpc.Status;
import io.impetus.wire.Reason;
import io.impetus.wire.Refusal;

/**
 * What a worker does about a failed call to a shard, decided by the status code and the shard's
 * {@link Reason} together (docs/wire.md, "Refusals and their reasons"): a transient failure or a lost
 * session is mended by joining again, a worker id still held by an old session by waiting for its
 * lease to end, and only a refusal that no retry can change ends the worker.
 */
public enum Recovery {
  /**
   * Join every shard again (then carry on): the shard is unreachable, restarting or slow
   * (UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, CANCELLED), has no session for the worker
   * (NOT_FOUND: SESSION_UNKNOWN, SEGMENT_NOT_ATTACHED), its lease ran out (ABORTED), it left, the
   * shard lost its parameters, or a push of it is still in flight (FAILED_PRECONDITION:
   * WORKER_LEFT, NOT_INITIALIZED, PUSH_IN_FLIGHT).
   */
  REJOIN,
  /**
   * Join again, once: the call carried a session key the shard does not hold for this worker
   * (PERMISSION_DENIED: SESSION_MISMATCH), which a fresh session mends unless someone else holds the
   * id; the same refusal right after a rejoin is fatal.
   */
  REJOIN_ONCE,
  /**
   * Wait, then join again: another session still holds the worker id (ALREADY_EXISTS:
   * WORKER_ALREADY_JOINED), typically this worker's own previous process, until its lease ends (the
   * refusal says roughly when, as {@link Refusal#RETRY_AFTER_MILLIS}).
   */
  WAIT_AND_JOIN,
  /**
   * Stop the worker: retrying cannot help (LAYOUT_MISMATCH, UNAUTHENTICATED, INVALID_ARGUMENT, a
   * FAILED_PRECONDITION without a retryable reason, anything unexpected).
   */
  FATAL;

  /** What to do about {@code failure}, a failed call's exception (a CompletionException's cause). */
  public static Recovery of(Throwable failure) {
    return of(Refusal.of(failure));
  }

  /** What to do about {@code refusal}. */
  public static Recovery of(Refusal refusal) {
    Status.Code code = refusal.code();
    Reason reason = refusal.reason();
    return switch (code) {
      case UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, CANCELLED, ABORTED, NOT_FOUND -> REJOIN;
      case ALREADY_EXISTS -> WAIT_AND_JOIN;
      case PERMISSION_DENIED -> reason == Reason.SESSION_MISMATCH ? REJOIN_ONCE : FATAL;
      case FAILED_PRECONDITION -> switch (reason) {
        case WORKER_LEFT, NOT_INITIALIZED, PUSH_IN_FLIGHT -> REJOIN;
        default -> FATAL;
      };
      default -> FATAL;
    };
  }
}
