package io.impetus.shard;

import io.impetus.wire.Reason;
import java.util.Locale;
import java.util.Map;

/**
 * Why the shard refused a request: a {@link Code}, a {@link Reason} a worker's program acts on (join
 * again, wait, stop), a message for the worker's log, and the reason's metadata (which worker, which
 * call, when to ask again). The shard's core throws it and hands it to a {@link SliceReply}; each
 * transport translates it into its own status (gRPC: the status code of the same name, with the
 * reason as a {@code google.rpc.ErrorInfo} in its details; the shared-memory path: the code and
 * reason in band), so the core never learns which one it is.
 *
 * <p>A refusal is an expected answer, not a fault, so it carries no stack trace: refused pushes are
 * counted and answered on the update loop's hot path.
 *
 * <p>A message never contains what a caller could use against the shard (a session key, a layout
 * fingerprint, parameter values).
 */
public final class ShardException extends Exception {
  /** What kind of refusal it is; each name matches the gRPC status code a caller receives. */
  public enum Code {
    /** The request itself is wrong (a length, an id, a value), whatever the shard's state. */
    INVALID_ARGUMENT,
    /** The shard is not in a state to serve it (not initialized, another layout, a worker that left). */
    FAILED_PRECONDITION,
    /** What it names does not exist here (a worker with no session, no attached segment). */
    NOT_FOUND,
    /** It must be redone from the start: the worker's lease expired, so it joins again. */
    ABORTED,
    /** A bound of the shard's is reached (queued calls, unread replies, connections): try again later. */
    RESOURCE_EXHAUSTED,
    /** The shard stopped waiting for the caller (a push stream that went silent). */
    CANCELLED,
    /** The shard failed while handling it; its log says why, the caller is told nothing more. */
    INTERNAL,
    /** The caller does not hold the session of the worker id it names. */
    PERMISSION_DENIED,
    /** The worker id is held by another live session. */
    ALREADY_EXISTS;

    /** The name under which a refused gradient is counted in the shard's status: lower case. */
    public String reason() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final Code code;
  private final Reason reason;
  private final Map<String, String> metadata;

  /** A refusal of kind {@code code} for no particular {@link Reason}, explained by {@code message}. */
  public ShardException(Code code, String message) {
    this(code, Reason.UNSPECIFIED, message);
  }

  /** A refusal of kind {@code code} for {@code reason}, explained by {@code message}. */
  public ShardException(Code code, Reason reason, String message) {
    this(code, reason, message, Map.of());
  }

  /** As {@link #ShardException(Code, Reason, String)}, with the reason's {@code metadata} (see {@link io.impetus.wire.Refusal}). */
  public ShardException(Code code, Reason reason, String message, Map<String, String> metadata) {
    super(message, null, false, false);
    this.code = code;
    this.reason = reason;
    this.metadata = Map.copyOf(metadata);
  }

  /** The kind of refusal. */
  public Code code() {
    return code;
  }

  /** Why, for the worker's program. */
  public Reason reason() {
    return reason;
  }

  /** The reason's metadata: worker id, call, and when asking again can succeed. */
  public Map<String, String> metadata() {
    return metadata;
  }
}
