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
 * The generated calls that are the legitimate worker's own, not attacks: they name it and present its
 * own session key, so the shard rightly takes them as its: its leave ends it, a second push while its
 * first is in flight takes its one push slot, and a join under another process number starts its
 * steps afresh. The fuzzer leaves them out; every call that names the worker with another key, or
 * none, is an attack and must be refused.
 */
final class LegitimateCalls {
  private LegitimateCalls() {}

  /** Whether {@code a} is an attack: not a call the legitimate worker itself makes. */
  static boolean isAttack(Attack a) {
    return !actsAsLegitimateWorker(a);
  }

  /** Whether {@code a}'s bytes make a call the shard must take as the legitimate worker's own. */
  private static boolean actsAsLegitimateWorker(Attack a) {
    if (a.credentials() != Credentials.OWN) {
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
  static boolean sameModel(Layout layout) {
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
