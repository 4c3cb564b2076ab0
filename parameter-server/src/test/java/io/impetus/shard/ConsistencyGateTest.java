package io.impetus.shard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.impetus.proto.PushHeader;
import io.impetus.proto.StatusReply;
import java.util.ArrayList;
import com.google.protobuf.ByteString;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * When a processed push may be answered, mode by mode. Workers are identified by id; a worker's clock
 * is moved by "finishing" steps, as the shard does when it processes a push. The gate is asked which
 * replies may leave, and the test checks which ones and with what recorded lead.
 */
class ConsistencyGateTest {
  private final AtomicLong nanos = new AtomicLong();
  private final List<PendingPush> answered = new ArrayList<>();
  private Membership members;
  private ConsistencyGate gate;

  private void start(ConsistencyMode mode, int workers, int backups, long bound) {
    members = new Membership(0, workers, 60_000, nanos::get);
    for (int id = 0; id < workers; id++) {
      try {
        members.join(id, 1, 0, ByteString.EMPTY);
      } catch (ShardException e) {
        throw new AssertionError(e);
      }
    }
    gate = new ConsistencyGate(mode, bound, backups, members);
  }

  /** A push of worker {@code id}'s step {@code step}, processed: its clock has moved past the step. */
  private PendingPush processed(int id, long step) {
    WorkerSlot slot = members.worker(id);
    members.finishStep(slot, step);
    return new PendingPush(slot, PushHeader.newBuilder().setWorkerId(id).setWorkerStep(step).build(),
        new RecordingReply());
  }

  private static List<Integer> ids(List<PendingPush> pushes) {
    return pushes.stream().map(p -> p.slot.workerId).toList();
  }

  private List<Integer> release() {
    answered.clear();
    gate.releaseWithinBound(answered::add);
    return ids(answered);
  }

  @Test
  void syncClosesARoundWithOneGradientPerLiveWorkerAndHandsItOverInWorkerIdOrder() {
    start(ConsistencyMode.SYNC, 3, 0, 0);
    assertEquals(3, gate.roundSize());
    gate.collect(processed(2, 0));
    gate.collect(processed(0, 0));
    assertEquals(List.of(), gate.takeFullRound());
    assertEquals(2, gate.parkedReplies());
    assertTrue(members.worker(2).isWaitingOnShard(), "a worker in an open round waits on the shard");
    gate.collect(processed(1, 0));
    List<PendingPush> round = gate.takeFullRound();
    assertEquals(List.of(0, 1, 2), ids(round));
    assertEquals(2, gate.parkedReplies(), "the gradient that closed the round did not wait");
    assertNull(members.worker(2).waiting);
    assertEquals(List.of(), gate.takeFullRound(), "the next round starts empty");
  }

  @Test
  void syncWithBBackupWorkersClosesTheRoundAtNMinusBGradients() {
    start(ConsistencyMode.SYNC, 3, 1, 0);
    assertEquals(2, gate.roundSize());
    gate.collect(processed(2, 0));
    gate.collect(processed(0, 0));
    assertEquals(List.of(0, 2), ids(gate.takeFullRound()));
    assertEquals(1, gate.parkedReplies());
  }

  @Test
  void aWorkerThatLeavesShrinksTheRoundItWasHoldingBackButNeverBelowOne() throws Exception {
    start(ConsistencyMode.SYNC, 2, 1, 0);
    assertEquals(1, gate.roundSize());
    start(ConsistencyMode.SYNC, 2, 0, 0);
    gate.collect(processed(0, 0));
    assertEquals(List.of(), gate.takeFullRound());
    members.leave(members.worker(1));
    assertEquals(1, gate.roundSize());
    assertEquals(List.of(0), ids(gate.takeFullRound()));
    members.leave(members.worker(0));
    assertEquals(1, gate.roundSize(), "with nobody live a round still needs one gradient");
  }

  @Test
  void syncReleasesNothingOnArrival() {
    start(ConsistencyMode.SYNC, 2, 0, 0);
    gate.collect(processed(0, 0));
    assertEquals(List.of(), release());
  }

  @Test
  void asyncAnswersEveryPushAtOnceWhateverItsLead() {
    start(ConsistencyMode.ASYNC, 2, 0, 0);
    PendingPush ahead = null;
    for (int step = 0; step < 5; step++) {
      ahead = processed(0, step);
      gate.park(ahead);
      assertEquals(List.of(0), release());
    }
    assertSame(ahead, answered.get(0));
    assertEquals(0, gate.parkedReplies());
    assertEquals(5, gate.maxReplyLead(), "worker 1 is still at clock 0");
    assertEquals(5, members.worker(0).maxLead);
  }

  @Test
  void sspAnswersAWorkerAtMostSStepsAheadAndParksOneThatWouldBeFurther() {
    start(ConsistencyMode.SSP, 2, 0, 1);
    gate.park(processed(0, 0));
    assertEquals(List.of(0), release(), "one step ahead of worker 1: within s = 1");
    gate.park(processed(0, 1));
    assertEquals(List.of(), release(), "two steps ahead: parked");
    assertEquals(1, gate.parkedReplies());
    assertTrue(members.worker(0).isWaitingOnShard());

    // Worker 1 finishes its step 0: worker 0 is now one step ahead and goes, and so does worker 1.
    gate.park(processed(1, 0));
    assertEquals(List.of(0, 1), release());
    assertEquals(1, gate.maxReplyLead());
    assertEquals(1, members.worker(0).maxLead);
    assertEquals(0, members.worker(1).maxLead);
    assertNull(members.worker(0).waiting);
    StatusReply.Builder status = StatusReply.newBuilder();
    gate.report(status);
    assertEquals(1, status.getParkedReplies());
    assertEquals(1, status.getMaxReplyLead());
  }

  @Test
  void sspWithBoundZeroIsABarrierAtEveryStep() {
    start(ConsistencyMode.SSP, 2, 0, 0);
    gate.park(processed(0, 0));
    assertEquals(List.of(), release());
    gate.park(processed(1, 0));
    assertEquals(List.of(0, 1), release());
    assertEquals(0, gate.maxReplyLead());
    assertEquals(1, gate.parkedReplies());
  }

  @Test
  void aWorkerThatLeavesNoLongerHoldsAnSspReplyBack() throws Exception {
    start(ConsistencyMode.SSP, 2, 0, 0);
    gate.park(processed(0, 0));
    assertEquals(List.of(), release());
    members.leave(members.worker(1));
    assertEquals(List.of(0), release());
  }

  @Test
  void aReplyReleasedByHandRecordsTheLeadItLeavesWith() {
    start(ConsistencyMode.SYNC, 2, 0, 0);
    PendingPush late = processed(0, 3);
    late.slot.waiting = late;
    gate.release(late);
    assertNull(late.slot.waiting);
    assertEquals(4, late.slot.maxLead);
    assertEquals(4, gate.maxReplyLead());
  }
}
