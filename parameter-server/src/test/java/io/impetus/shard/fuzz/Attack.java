package io.impetus.shard.fuzz;

import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import io.grpc.MethodDescriptor.MethodType;
import io.impetus.proto.AttachSegmentRequest;
import io.impetus.proto.HeartbeatRequest;
import io.impetus.proto.InitializeChunk;
import io.impetus.proto.JoinRequest;
import io.impetus.proto.LeaveRequest;
import io.impetus.proto.PullRequest;
import io.impetus.proto.PushChunk;
import io.impetus.proto.PushHeader;
import io.impetus.proto.StatusRequest;
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
    JOIN("Join", MethodType.UNARY, JoinRequest.parser()),
    INITIALIZE("Initialize", MethodType.CLIENT_STREAMING, InitializeChunk.parser()),
    PUSH("PushPull", MethodType.BIDI_STREAMING, PushChunk.parser()),
    PULL("Pull", MethodType.SERVER_STREAMING, PullRequest.parser()),
    LEAVE("Leave", MethodType.UNARY, LeaveRequest.parser()),
    HEARTBEAT("Heartbeat", MethodType.UNARY, HeartbeatRequest.parser()),
    STATUS("Status", MethodType.UNARY, StatusRequest.parser()),
    ATTACH("AttachSegment", MethodType.UNARY, AttachSegmentRequest.parser()),
    SHARED_STREAM("PushPullSharedStream", MethodType.BIDI_STREAMING, PushHeader.parser()),
    NO_SUCH_METHOD("NoSuchMethod", MethodType.UNARY, null);

    final String method;
    final MethodType type;
    /** Parses the method's requests (null: the service has no such method). */
    final Parser<? extends Message> request;

    Kind(String method, MethodType type, Parser<? extends Message> request) {
      this.method = method;
      this.type = type;
      this.request = request;
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
