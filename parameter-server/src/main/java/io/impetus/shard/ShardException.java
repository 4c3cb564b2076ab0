package io.impetus.shard;

import java.util.Locale;

/**
 * Why the shard refused a request: a {@link Code} and a message for the worker's log. The shard's
 * core throws it and hands it to a {@link SliceReply}; each transport translates the code into its
 * own status (gRPC: the status code of the same name), so the core never learns which one it is.
 *
 * <p>A refusal is an expected answer, not a fault, so it carries no stack trace: refused pushes are
 * counted and answered on the update loop's hot path.
 */
public final class ShardException extends Exception {
  /** What kind of refusal it is; each name matches the gRPC status code a caller receives. */
  public enum Code {
    /** The request itself is wrong (a length, an id, a value), whatever the shard's state. */
    INVALID_ARGUMENT,
    /** The shard is not in a state to serve it (not initialized, another layout, a worker that left). */
    FAILED_PRECONDITION,
    /** What it names does not exist here (a worker that never joined, no attached segment). */
    NOT_FOUND,
    /** It must be redone from the start: the worker's lease expired, so it joins again. */
    ABORTED,
    /** A bound of the shard's is reached (queued calls, unread replies, connections): try again later. */
    RESOURCE_EXHAUSTED,
    /** The shard stopped waiting for the caller (a push stream that went silent). */
    CANCELLED,
    /** The shard failed while handling it; its log says why, the caller is told nothing more. */
    INTERNAL;

    /** The name under which a refused gradient is counted in the shard's status: lower case. */
    public String reason() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final Code code;

  /** A refusal of kind {@code code}, explained by {@code message}. */
  public ShardException(Code code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  /** The kind of refusal. */
  public Code code() {
    return code;
  }
}
