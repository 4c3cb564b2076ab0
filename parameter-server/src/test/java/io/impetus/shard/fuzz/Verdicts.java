package io.impetus.shard.fuzz;

import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.Status;
import io.grpc.Status.Code;
import io.impetus.proto.SharedPushReply;
import io.impetus.shard.fuzz.Attack.Kind;
import java.util.EnumSet;
import java.util.Set;

/**
 * Which endings of an attacker's call are defined: a refusal that names its reason in a status code a
 * client can act on, or a success. Never UNKNOWN (the shard did not know what happened), never
 * INTERNAL (something failed inside it), never DEADLINE_EXCEEDED (it did not answer: a hang), never
 * UNAVAILABLE (it is gone), never CANCELLED unless the fuzzer cancelled the call itself.
 */
final class Verdicts {
  private Verdicts() {}

  /** The codes a shard may answer any call with. */
  private static final Set<Code> DEFINED = EnumSet.of(Code.OK, Code.INVALID_ARGUMENT, Code.NOT_FOUND,
      Code.FAILED_PRECONDITION, Code.ALREADY_EXISTS, Code.PERMISSION_DENIED, Code.UNAUTHENTICATED,
      Code.RESOURCE_EXHAUSTED, Code.ABORTED, Code.OUT_OF_RANGE);

  /**
   * gRPC's own answers to a one-request call (unary or server streaming) that breaks the call's framing (no request, or more than one),
   * given by grpc-java's ServerCalls before the shard sees the call: INTERNAL with these descriptions.
   */
  private static final Set<String> GRPC_UNARY_FRAMING = Set.of("Half-closed without a request", "Too many requests");

  /** Whether {@code call} sends other than one message on a method that takes one. */
  private static boolean breaksFraming(Attack call) {
    return call.kind().type.clientSendsOneMessage() && call.messages().size() != 1;
  }

  /**
   * What is wrong with how {@code call}, which carries no valid bearer token, ended at a shard that
   * requires one, or null if nothing is: it must be refused as UNAUTHENTICATED before any handler
   * answers (a method the service does not have is UNIMPLEMENTED before the token is checked; a call
   * the fuzzer cancelled may end CANCELLED).
   */
  static String problemWithoutToken(Attack call, RawCall.Outcome outcome, boolean cancelledByFuzzer) {
    Code code = outcome.status().getCode();
    boolean refused = code == Code.UNAUTHENTICATED
        || code == Code.UNIMPLEMENTED && call.kind() == Kind.NO_SUCH_METHOD
        || code == Code.CANCELLED && cancelledByFuzzer;
    if (!refused) {
      return "a call without the token ended with " + code + ": " + outcome.status().getDescription();
    }
    if (!outcome.replies().isEmpty()) {
      return "a call without the token got " + outcome.replies().size() + " replies";
    }
    return null;
  }

  /** What is wrong with how {@code call} ended, or null if nothing is. */
  static String problem(Attack call, RawCall.Outcome outcome, boolean cancelledByFuzzer) {
    Status status = outcome.status();
    Code code = status.getCode();
    boolean defined = DEFINED.contains(code)
        || code == Code.CANCELLED && cancelledByFuzzer
        || code == Code.UNIMPLEMENTED && call.kind() == Kind.NO_SUCH_METHOD
        || breaksFraming(call) && (code == Code.INTERNAL && GRPC_UNARY_FRAMING.contains(status.getDescription())
            // the transport's reset of the stream gRPC closed may overtake its status ("RST_STREAM closed
            // stream" over HTTP/2, "server cancelled stream" in process)
            || code == Code.CANCELLED);
    if (!defined) {
      return "ended with " + code + (code == Code.DEADLINE_EXCEEDED ? " (the shard never answered)" : "")
          + ": " + status.getDescription();
    }
    if (call.kind() == Kind.SHARED_STREAM) {
      for (byte[] raw : outcome.replies()) {
        try {
          SharedPushReply reply = SharedPushReply.parseFrom(raw);
          Code inBand = Status.fromCodeValue(reply.getErrorCode()).getCode();
          if (!DEFINED.contains(inBand) || reply.getErrorCode() != inBand.value()) {
            return "answered a push in-band with code " + reply.getErrorCode() + ": " + reply.getErrorMessage();
          }
        } catch (InvalidProtocolBufferException e) {
          return "answered with a SharedPushReply that does not parse";
        }
      }
    }
    return null;
  }
}
