package io.impetus.wire;

import java.util.Locale;

/**
 * Why a shard refused a call, in a form a program can act on: the {@code reason} of the {@code
 * google.rpc.ErrorInfo} (domain {@value #DOMAIN}) in a refused call's status details, and the {@code
 * error_reason} of an in-band {@code SharedPushReply}. Together with the gRPC status code it tells a
 * worker whether to join again, wait, or stop (docs/wire.md, "Refusals and their reasons").
 *
 * <p>The names are part of the wire contract: a reason is never renamed, and one a peer does not
 * know reads as {@link #UNSPECIFIED}.
 */
public enum Reason {
  /** No reason given (a peer that predates reasons, or a status that did not come from a shard). */
  UNSPECIFIED,
  /** NOT_FOUND: this shard has no session for the worker id (never joined, or the shard restarted): join again. */
  SESSION_UNKNOWN,
  /** PERMISSION_DENIED: the call's session key is not the live session's for that worker id. */
  SESSION_MISMATCH,
  /** ALREADY_EXISTS: another session holds the worker id until its lease ends; join again after it. */
  WORKER_ALREADY_JOINED,
  /** ABORTED: the worker's lease ran out (or it joined again while the call travelled): join again. */
  LEASE_EXPIRED,
  /** FAILED_PRECONDITION: the worker left this shard; join again to train. */
  WORKER_LEFT,
  /** FAILED_PRECONDITION: the worker's parameter layout is not the shard's. */
  LAYOUT_MISMATCH,
  /** FAILED_PRECONDITION: the shard has no parameters yet: join (which initializes it) first. */
  NOT_INITIALIZED,
  /** NOT_FOUND: no shared-memory segment is attached for the worker (the shard restarted): attach again. */
  SEGMENT_NOT_ATTACHED,
  /** FAILED_PRECONDITION: the shard cannot use the worker's segment (another host, --no-shm). */
  SHARED_MEMORY_UNAVAILABLE,
  /** FAILED_PRECONDITION: the worker has another push in flight to this shard; retry once it is answered. */
  PUSH_IN_FLIGHT,
  /** INVALID_ARGUMENT: the worker id is outside [0, N). */
  WORKER_ID_OUT_OF_RANGE,
  /** INVALID_ARGUMENT: a float payload's length is not the shard's. */
  WRONG_LENGTH,
  /** INVALID_ARGUMENT: a message or chunk sequence that breaks the protocol (a header in the wrong chunk, an offset out of order, an unknown encoding). */
  MALFORMED,
  /** INVALID_ARGUMENT: a NaN or infinite value. */
  NON_FINITE,
  /** INVALID_ARGUMENT: a push's read version is negative or newer than the shard's version. */
  BAD_READ_VERSION;

  /** The ErrorInfo domain of every reason. */
  public static final String DOMAIN = "impetus";

  /** The reason named {@code name}, or {@link #UNSPECIFIED} for an empty or unknown name. */
  public static Reason named(String name) {
    if (name == null || name.isEmpty()) {
      return UNSPECIFIED;
    }
    try {
      return valueOf(name.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException unknown) {
      return UNSPECIFIED;
    }
  }
}
