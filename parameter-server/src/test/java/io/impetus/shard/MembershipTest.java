package io.impetus.shard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.impetus.proto.PushHeader;
import io.impetus.proto.StatusReply;
import io.impetus.proto.WorkerStatus;
import com.google.protobuf.ByteString;
import io.impetus.shard.ShardException.Code;
import io.impetus.shard.checkpoint.WorkerProgress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Who a shard's barriers count, and each worker's clock. Every membership here belongs to shard 2,
 * expects three workers (ids 0, 1, 2) with a lease of 1000 ms, and measures time on a clock the test
 * moves by hand.
 */
class MembershipTest {
  private static final long LEASE_MS = 1_000;
  private static final int SLICE = 4;

  private final AtomicLong nanos = new AtomicLong(5_000_000_000L);
  private final Membership members = new Membership(2, 3, LEASE_MS, nanos::get);

  private void advanceMillis(long millis) {
    nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
  }

  /** Joins worker {@code id} as its current session's process would: presenting that session's key, if any. */
  private WorkerSlot join(int id) {
    return join(id, 0);
  }

  private WorkerSlot join(int id, long session) {
    try {
      return members.join(id, SLICE, session, keyOf(id));
    } catch (ShardException e) {
      throw new AssertionError(e.getMessage(), e);
    }
  }

  /** The key of worker {@code id}'s current session, or none. */
  private ByteString keyOf(int id) {
    WorkerSlot slot = members.worker(id);
    return slot == null ? ByteString.EMPTY : slot.key();
  }

  private boolean leave(int id) throws ShardException {
    return members.leave(members.session(id, keyOf(id), "Leave"));
  }

  private boolean heartbeat(int id) throws ShardException {
    return members.heartbeat(members.session(id, keyOf(id), "Heartbeat"));
  }

  /** Moves {@code slot}'s clock past {@code steps} steps (0 to steps-1). */
  private void finish(WorkerSlot slot, int steps) {
    for (int step = 0; step < steps; step++) {
      members.finishStep(slot, step);
    }
  }

  private static void assertRefused(Code code, String message, ShardException e) {
    assertEquals(code, e.code());
    assertEquals(message, e.getMessage());
  }

  @Test
  void workerIdsOutsideZeroToNAreRefusedNamingTheRange() throws Exception {
    assertRefused(Code.INVALID_ARGUMENT, "worker id 3 outside [0, 3) for shard 2",
        assertThrows(ShardException.class, () -> members.requireValidId(3)));
    assertRefused(Code.INVALID_ARGUMENT, "worker id -1 outside [0, 3) for shard 2",
        assertThrows(ShardException.class, () -> members.requireValidId(-1)));
  }

  @Test
  void aDepartedWorkersBuffersAreFreedOnceNoPushHoldsThemAndItsTransportIsTold() throws Exception {
    List<Integer> departed = new ArrayList<>();
    members.onDeparture(departed::add);
    WorkerSlot left = join(0);
    left.readParams = new float[SLICE];
    leave(0);
    assertEquals(0, left.gradient().length, "the gradient buffer of a worker that left is freed");
    assertEquals(null, left.readParams);

    WorkerSlot pushing = join(1);
    assertTrue(pushing.tryAcquire()); // a push is filling its buffer as the lease runs out
    advanceMillis(LEASE_MS + 1);
    members.expireSilent();
    assertEquals(SLICE, pushing.gradient().length, "kept while the push holds it");
    pushing.release();
    assertEquals(0, pushing.gradient().length, "freed when the push gives it back");
    assertEquals(List.of(0, 1), departed);
    assertEquals(SLICE, join(1).gradient().length, "a rejoin gets a new buffer");
  }

  @Test
  void aJoinedWorkerGetsAGradientBufferOfTheSliceLengthAndClockZero() throws Exception {
    WorkerSlot slot = join(1);
    assertEquals(SLICE, slot.gradient().length);
    assertEquals(0, slot.clock);
    assertEquals(WorkerSlot.State.JOINED, slot.state);
    assertEquals(3, members.live());
  }

  @Test
  void aWorkerNotYetJoinedCountsAsClockZeroSoTheFirstOnesLeadIsItsClock() throws Exception {
    WorkerSlot first = join(0);
    finish(first, 2);
    assertEquals(2, first.clock);
    assertEquals(0, members.minLiveClock());
    assertEquals(2, members.lead(first));
  }

  @Test
  void finishingAStepMovesTheClockPastItAndReturnsTheStepLagBehindTheNewestWorker() throws Exception {
    WorkerSlot fast = join(0);
    WorkerSlot slow = join(1);
    finish(fast, 3);
    assertEquals(3 - 1, members.finishStep(slow, 0));
    assertEquals(0, slow.lastStep);
    // A step pushed again (after a rejected push) does not move the clock back.
    assertEquals(0, members.finishStep(fast, 1));
    assertEquals(3, fast.clock);
  }

  @Test
  void aWorkerThatLeavesNoLongerCountsLeavingTwiceChangesNothingAndAStrangerCannotLeave() throws Exception {
    join(0);
    join(1);
    assertTrue(leave(1));
    assertEquals(2, members.live());
    assertFalse(leave(1));
    assertEquals(2, members.live());
    assertRefused(Code.NOT_FOUND, "worker 2 has not joined shard 2",
        assertThrows(ShardException.class, () -> leave(2)));
  }

  @Test
  void pushesAreRefusedFromAWorkerThatLeftWhoseLeaseExpiredOrThatJoinedAgainMeanwhile() throws Exception {
    WorkerSlot left = join(0);
    leave(0);
    assertRefused(Code.FAILED_PRECONDITION, "worker 0 has left shard 2; join again to train",
        assertThrows(ShardException.class, () -> members.requireCurrent(left)));

    WorkerSlot silent = join(1);
    advanceMillis(LEASE_MS + 1);
    members.expireSilent();
    assertEquals(WorkerSlot.State.EXPIRED, silent.state);
    assertRefused(Code.ABORTED, "worker 1's lease on shard 2 expired (silent for more than 1000 ms); join again",
        assertThrows(ShardException.class, () -> members.requireCurrent(silent)));

    WorkerSlot rejoined = join(1);
    assertNotSame(silent, rejoined);
    members.requireCurrent(rejoined);
    assertRefused(Code.ABORTED, "worker 1's lease on shard 2 expired (silent for more than 1000 ms); join again",
        assertThrows(ShardException.class, () -> members.requireCurrent(silent)));
  }

  @Test
  void aLeaseRunsOutOnlyAfterMoreThanOneLeaseOfSilenceAndHeartbeatsRenewIt() throws Exception {
    WorkerSlot beating = join(0);
    WorkerSlot silent = join(1);
    WorkerSlot alsoSilent = join(2);
    advanceMillis(LEASE_MS);
    assertFalse(members.expireSilent(), "exactly one lease of silence is not yet too long");
    assertTrue(heartbeat(0));
    advanceMillis(1);
    assertTrue(members.expireSilent());
    assertEquals(WorkerSlot.State.JOINED, beating.state);
    assertEquals(WorkerSlot.State.EXPIRED, silent.state);
    assertEquals(WorkerSlot.State.EXPIRED, alsoSilent.state);
    assertEquals(1, members.live());
    assertFalse(heartbeat(1), "an expired worker has no lease to renew");
    assertRefused(Code.NOT_FOUND, "worker 3 has not joined shard 2",
        assertThrows(ShardException.class, () -> heartbeat(2 + 1), "nor has a stranger: it is told to join"));
    assertFalse(members.expireSilent(), "nothing changes the second time");
  }

  @Test
  void aWorkerBlockedOnTheShardIsNotSilentUnlessItAbandonedTheCall() throws Exception {
    WorkerSlot waiting = join(0);
    WorkerSlot gone = join(1);
    join(2);
    RecordingReply abandoned = new RecordingReply();
    abandoned.cancelled = true;
    waiting.waiting = new PendingPush(waiting, PushHeader.getDefaultInstance(), new RecordingReply());
    gone.waiting = new PendingPush(gone, PushHeader.getDefaultInstance(), abandoned);
    advanceMillis(LEASE_MS + 1);
    members.expireSilent();
    assertEquals(WorkerSlot.State.JOINED, waiting.state);
    assertEquals(WorkerSlot.State.EXPIRED, gone.state);
    assertEquals(null, gone.waiting, "its call is gone, so nothing waits for it any more");
  }

  @Test
  void aWorkerThatNeverJoinsStopsCountingOneLeaseAfterTheFirstJoin() throws Exception {
    WorkerSlot a = join(0);
    WorkerSlot b = join(1);
    finish(a, 4);
    finish(b, 3);
    advanceMillis(LEASE_MS);
    heartbeat(0);
    heartbeat(1);
    assertFalse(members.expireSilent());
    assertEquals(0, members.minLiveClock(), "worker 2 may still come, at clock 0");
    advanceMillis(1);
    assertTrue(members.expireSilent());
    assertTrue(members.neverJoined(2));
    assertEquals(2, members.live());
    assertEquals(3, members.minLiveClock());
    // It may still join late, and then counts again.
    join(2);
    assertFalse(members.neverJoined(2));
    assertEquals(3, members.live());
  }

  @Test
  void aReturningWorkerResumesAtTheSlowestLiveWorkersClock() throws Exception {
    WorkerSlot a = join(0);
    WorkerSlot b = join(1);
    WorkerSlot c = join(2);
    finish(a, 5);
    finish(b, 2);
    leave(2);
    assertEquals(0, c.clock);
    WorkerSlot back = join(2);
    assertEquals(2, back.clock, "neither 0 (holding the others back) nor 5 (counted as ahead)");
    assertEquals(WorkerSlot.State.JOINED, back.state);
  }

  @Test
  void aJoinOfALiveWorkerKeepsItsSlotAndRenewsItsLease() throws Exception {
    WorkerSlot slot = join(0);
    finish(slot, 2);
    advanceMillis(LEASE_MS);
    join(0, 0);
    assertEquals(slot, members.worker(0));
    assertEquals(nanos.get(), slot.lastSeenNanos);
    assertEquals(2, slot.clock);
  }

  @Test
  void withNoLiveWorkerLeftNothingHoldsAnyoneBack() throws Exception {
    WorkerSlot slot = join(0);
    join(1);
    join(2);
    finish(slot, 7);
    leave(1);
    leave(2);
    assertEquals(0, members.lead(slot), "it is the slowest live worker itself");
    leave(0);
    assertEquals(0, members.live());
    assertEquals(0, members.maxLiveClock());
    assertEquals(0, members.lead(slot));
  }

  @Test
  void theStatusListsEveryWorkerThatJoinedOrNeverCameByIdWithItsState() throws Exception {
    WorkerSlot a = join(0);
    finish(a, 2);
    a.pushes = 2;
    join(1);
    leave(1);
    advanceMillis(LEASE_MS);
    heartbeat(0);
    advanceMillis(1);
    members.expireSilent();

    StatusReply.Builder status = StatusReply.newBuilder();
    members.report(status);
    assertEquals(3, status.getExpectedWorkers());
    assertEquals(1, status.getLiveWorkers());
    assertEquals(List.of(0, 1, 2), status.getWorkersList().stream().map(WorkerStatus::getWorkerId).toList());
    assertEquals(List.of("JOINED", "LEFT", "NEVER_JOINED"),
        status.getWorkersList().stream().map(WorkerStatus::getState).toList());
    assertEquals(2, status.getWorkers(0).getPushes());
    assertEquals(1, status.getWorkers(0).getLastStep());
    assertEquals(-1, status.getWorkers(2).getLastStep());
  }

  @Test
  void restoredProgressHoldsUntilEachWorkerRejoinsAndSurvivesIntoTheNextCheckpoint() throws Exception {
    members.restore(List.of(new WorkerProgress(7, 6, 41), new WorkerProgress(5, 4, 42), WorkerProgress.NONE));
    WorkerSlot zero = join(0);
    assertEquals(7, zero.clock, "a worker resumes from its checkpointed clock");
    assertEquals(-1, zero.lastStep, "another session (0 here) is another process: its steps count afresh");
    assertEquals(0, members.minLiveClock(), "worker 2 was never in the checkpoint: it counts as 0");
    join(2, 0);
    finish(members.worker(2), 9);
    assertEquals(5, members.minLiveClock(), "worker 1 has not rejoined: it counts with its checkpointed clock");
    join(1, 42);
    assertEquals(4, members.worker(1).lastStep, "the same session: its repeats of step 4 and before are recognised");
    assertEquals(List.of(new WorkerProgress(7, -1, 0), new WorkerProgress(5, 4, 42), new WorkerProgress(9, 8, 0)),
        members.progress());
  }
}
