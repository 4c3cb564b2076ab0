package io.impetus.shard.fuzz;

import com.google.protobuf.InvalidProtocolBufferException;
import io.impetus.proto.JoinRequest;
import io.impetus.proto.Layout;
import io.impetus.proto.LeaveRequest;
import io.impetus.proto.PushChunk;
import io.impetus.proto.PushHeader;
import io.impetus.shard.fuzz.Attack.Kind;
import io.impetus.shard.fuzz.Attack.Timing;

/**
 * The cases the fuzzer leaves out while a known bug makes them fail, each named, so that the property
 * stays honest about everything else. Each switch goes once its fix is merged; a case left out here
 * is reported, not hidden.
 */
final class KnownBugs {
  private KnownBugs() {}

  /**
   * Issue 17 item 3, worker identity (branch {@code identity}): a shard binds no call to the session
   * that joined, so a call that names the legitimate worker with another session or none acts as that
   * worker. Left out while false: a join of the legitimate worker's id with the shard's layout under
   * another session (it resets the shard's memory of the worker's last step), a leave of it (it ends
   * the worker), and pushes naming it that race or outlive the worker's own (they take its one push
   * slot, so its push is refused). Once sessions are checked, set this true: those calls must then be
   * refused and change nothing, as every other attack.
   */
  static final boolean SESSIONS_ENFORCED = false;

  /**
   * Issue 17 item 8: a message that does not parse as its method's request ends the call with
   * UNKNOWN ("Application error processing RPC": gRPC's answer when a marshaller throws) instead of
   * INVALID_ARGUMENT. gRPC closes such a call itself, behind the handler's back, and may still deliver
   * the client's half-close to the handler afterwards (over Netty): the handler then answers a closed
   * call, its headers go after the trailers, and Netty ends the whole connection ("Stream N sent too
   * many headers", GOAWAY INTERNAL_ERROR), failing every other call on it; a push whose chunks before
   * the bad one were complete is applied although its call failed. While false: such calls are still
   * sent (each attacker call has a connection of its own) and every other invariant holds for them,
   * but their status is not checked, and pushes with a bad chunk after the first are left out. Once
   * the marshallers turn unparseable chunks into an INVALID_ARGUMENT refusal, set this true.
   */
  static final boolean UNPARSEABLE_ANSWERS_INVALID_ARGUMENT = false;

  /** Whether the shard is known to answer {@code a} with UNKNOWN: some message of it does not parse. */
  static boolean unparseableAnswersUnknown(Attack a) {
    if (UNPARSEABLE_ANSWERS_INVALID_ARGUMENT || a.kind().request == null) {
      return false;
    }
    for (byte[] m : a.messages()) {
      try {
        a.kind().request.parseFrom(m);
      } catch (InvalidProtocolBufferException unparseable) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code a} is a case the fuzzer runs. */
  static boolean notExcluded(Attack a) {
    return !actsAsLegitimateWorker(a) && !pushWithLaterUnparseableChunk(a);
  }

  /** A push whose first chunk parses and a later one does not: see {@link #UNPARSEABLE_ANSWERS_INVALID_ARGUMENT}. */
  private static boolean pushWithLaterUnparseableChunk(Attack a) {
    if (UNPARSEABLE_ANSWERS_INVALID_ARGUMENT || a.kind() != Kind.PUSH) {
      return false;
    }
    for (int k = 1; k < a.messages().size(); k++) {
      try {
        PushChunk.parseFrom(a.messages().get(k));
      } catch (InvalidProtocolBufferException unparseable) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether {@code a}'s bytes make a call that the shard, without sessions, must take as the
   * legitimate worker's own: such a call is no attack (the worker's own leave, or a second push while
   * its first is in flight, are refused or obeyed by design) unless sessions tell the two apart.
   */
  private static boolean actsAsLegitimateWorker(Attack a) {
    boolean own = a.credentials() == Credentials.OWN;
    if (SESSIONS_ENFORCED && !own) {
      return false;
    }
    return switch (a.kind()) {
      case JOIN -> joinsAsLegit(a);
      case LEAVE -> a.messages().stream().anyMatch(m -> leaveOfLegit(m));
      case PUSH, SHARED_STREAM -> a.timing() != Timing.SEQUENTIAL && a.messages().stream()
          .anyMatch(m -> pushOfLegit(a.kind(), m));
      default -> false;
    };
  }

  private static boolean joinsAsLegit(Attack a) {
    for (byte[] m : a.messages()) {
      try {
        JoinRequest join = JoinRequest.parseFrom(m);
        if (join.getWorkerId() == Fixture.LEGIT_WORKER && sameModel(join.getLayout())
            && join.getSession() != Credentials.LEGIT_SESSION) {
          return true;
        }
      } catch (InvalidProtocolBufferException unparseable) {
        // the shard refuses it
      }
    }
    return false;
  }

  /** Whether the shard takes {@code layout} for its own (the model's name is for messages only). */
  private static boolean sameModel(Layout layout) {
    Layout ours = Fixture.layout();
    return layout.getNumParams() == ours.getNumParams() && layout.getFingerprint() == ours.getFingerprint()
        && layout.getNumShards() == ours.getNumShards() && layout.getShardIndex() == ours.getShardIndex();
  }

  private static boolean leaveOfLegit(byte[] m) {
    try {
      return LeaveRequest.parseFrom(m).getWorkerId() == Fixture.LEGIT_WORKER;
    } catch (InvalidProtocolBufferException unparseable) {
      return false;
    }
  }

  private static boolean pushOfLegit(Kind kind, byte[] m) {
    try {
      PushHeader header = kind == Kind.PUSH ? PushChunk.parseFrom(m).getHeader() : PushHeader.parseFrom(m);
      return header.getWorkerId() == Fixture.LEGIT_WORKER;
    } catch (InvalidProtocolBufferException unparseable) {
      return false;
    }
  }
}
