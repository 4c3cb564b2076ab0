package io.impetus.shard.fuzz;

import io.grpc.MethodDescriptor.MethodType;
import io.impetus.proto.ShardGrpc;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;

/**
 * One call of the attacker's: a Shard method, the raw messages it sends, whether it half-closes, and
 * how it is timed against the legitimate worker. {@code workerId} and {@code credentials} are whom
 * the call names and what identity it presents (for raw calls, what the fuzzer meant; the bytes may
 * say otherwise).
 */
record Attack(Kind kind, int workerId, Credentials credentials, List<byte[]> messages, Timing timing, String what) {

  /** The Shard methods (and one that does not exist), each with its gRPC method type. */
  enum Kind {
    JOIN("Join", MethodType.UNARY),
    INITIALIZE("Initialize", MethodType.CLIENT_STREAMING),
    PUSH("PushPull", MethodType.BIDI_STREAMING),
    PULL("Pull", MethodType.SERVER_STREAMING),
    LEAVE("Leave", MethodType.UNARY),
    HEARTBEAT("Heartbeat", MethodType.UNARY),
    STATUS("Status", MethodType.UNARY),
    ATTACH("AttachSegment", MethodType.UNARY),
    SHARED_STREAM("PushPullSharedStream", MethodType.BIDI_STREAMING),
    NO_SUCH_METHOD("NoSuchMethod", MethodType.UNARY);

    final String method;
    final MethodType type;

    Kind(String method, MethodType type) {
      this.method = method;
      this.type = type;
    }

    /** The full gRPC method name. */
    String fullName() {
      return ShardGrpc.SERVICE_NAME + "/" + method;
    }
  }

  /** How the call is timed against the legitimate worker. */
  enum Timing {
    /** Sent, half-closed and awaited before the next step. */
    SEQUENTIAL,
    /** Sent and half-closed while the legitimate worker's next push is in flight. */
    RACING,
    /** Sent and left open (never half-closed) until the case ends, when the fuzzer cancels it. */
    HELD
  }

  /** Whether the call half-closes. */
  boolean halfCloses() {
    return timing != Timing.HELD;
  }

  @Override
  public String toString() {
    String bytes = messages.stream().map(m -> m.length > 48
            ? HexFormat.of().formatHex(m, 0, 48) + "..(" + m.length + " bytes)" : HexFormat.of().formatHex(m))
        .collect(Collectors.joining(", ", "[", "]"));
    return kind.method + " " + timing + " worker " + workerId + " " + credentials + ": " + what + " " + bytes;
  }
}
