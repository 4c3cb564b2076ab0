package io.impetus.shard;

import io.impetus.proto.StatusReply;
import io.impetus.proto.WorkerStatus;
import io.impetus.shard.ShardException.Code;
import io.impetus.shard.checkpoint.WorkerProgress;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The workers of one shard as its barriers count them: who joined, who left, whose lease ran out, who
 * never came, and each one's clock (the next step it will push).
 *
 * <p>Of the N workers a shard expects, the barriers count those that are live: all N, less those
 * that left (finished), those silent for longer than the lease (expired) and those that had not
 * joined one lease after the first join (never joined). A worker not yet joined counts as clock 0
 * (or, in a shard restored from a checkpoint, the clock the checkpoint recorded for it), so the
 * first workers wait for the rest. A worker that joins again resumes at the slowest live worker's
 * clock.
 *
 * <p>Threading: {@link #worker} is safe from any thread (transport threads validate pushes with it);
 * everything else runs on the shard's update loop. Leases are measured on the given clock
 * (System::nanoTime, or a clock a test moves by hand).
 */
final class Membership {
  private static final Logger log = LoggerFactory.getLogger(Membership.class);

  private final int shardIndex;
  private final int expected;
  private final long leaseMillis;
  private final LongSupplier clock;
  private final ConcurrentMap<Integer, WorkerSlot> workers = new ConcurrentHashMap<>();
  /** Worker ids that never joined within one lease of the first join: they no longer count. */
  private final TreeSet<Integer> neverJoined = new TreeSet<>();
  /**
   * By worker id, what a restored checkpoint recorded ({@link WorkerProgress#NONE}: nothing): a worker
   * that first joins this process resumes from its clock, and until it joins it counts with that
   * clock, not 0; if it joins with the same session, its repeats stay recognisable.
   */
  private final WorkerProgress[] restored;
  private boolean anyoneJoined;
  private long firstJoinNanos;

  /** The {@code expectedWorkers} workers (ids 0 to N-1) of shard {@code shardIndex}. */
  Membership(int shardIndex, int expectedWorkers, long leaseMillis, LongSupplier clock) {
    this.shardIndex = shardIndex;
    this.expected = expectedWorkers;
    this.leaseMillis = leaseMillis;
    this.clock = clock;
    this.restored = new WorkerProgress[expectedWorkers];
    Arrays.fill(restored, WorkerProgress.NONE);
  }

  /** Takes the workers' progress from a checkpoint, by worker id; ids beyond N are ignored. Before any join. */
  void restore(List<WorkerProgress> progress) {
    for (int id = 0; id < Math.min(progress.size(), expected); id++) {
      restored[id] = progress.get(id);
    }
  }

  /** By worker id, each worker's progress (the restored one for a worker not joined since), for a checkpoint. */
  List<WorkerProgress> progress() {
    WorkerProgress[] out = restored.clone();
    for (WorkerSlot slot : workers.values()) {
      out[slot.workerId] = new WorkerProgress(slot.clock, slot.lastStep, slot.session);
    }
    return List.of(out);
  }

  /** The clock a worker that never joined this process starts from: its restored one, else 0. */
  private long initialClock(int id) {
    return Math.max(0, restored[id].clock());
  }

  /** The worker with this id, or null if it never joined. Safe from any thread. */
  WorkerSlot worker(int id) {
    return workers.get(id);
  }

  /** Every worker that ever joined (its latest slot), in no particular order. */
  Collection<WorkerSlot> slots() {
    return workers.values();
  }

  /** N, the workers this shard expects. */
  int expected() {
    return expected;
  }

  /** The lease: a worker silent this long leaves every barrier. */
  long leaseMillis() {
    return leaseMillis;
  }

  /** Refuses an id outside [0, N). */
  void requireValidId(int id) throws ShardException {
    if (id < 0 || id >= expected) {
      throw new ShardException(Code.INVALID_ARGUMENT,
          "worker id " + id + " outside [0, " + expected + ") for shard " + shardIndex);
    }
  }

  /**
   * Registers worker {@code id} with a gradient buffer of {@code sliceLength} floats: a first join, or
   * a return after leaving or expiring (a fresh slot at the slowest live worker's clock, so that it
   * neither holds the others back for the steps it missed nor counts as far ahead of them). A join of a
   * live worker only renews its lease. A return with the same non-zero {@code session} (the same
   * process) keeps the last step processed for it, so its retries stay recognisable.
   */
  void join(int id, int sliceLength, long session) {
    long now = clock.getAsLong();
    if (!anyoneJoined) {
      anyoneJoined = true;
      firstJoinNanos = now;
    }
    WorkerSlot previous = workers.get(id);
    if (previous != null && previous.isLive()) {
      previous.touch(now);
      if (session != previous.session) {
        // Another process under the same id (a restarted worker, its old lease not yet expired): its
        // steps count afresh, so none of them is taken for a repeat of the old process's.
        previous.session = session;
        previous.lastStep = -1;
      }
      return;
    }
    WorkerSlot slot = new WorkerSlot(id, sliceLength, now);
    slot.clock = previous == null ? initialClock(id) : Math.max(previous.clock, minLiveClock());
    slot.session = session;
    if (previous == null && session != 0 && restored[id].session() == session) {
      // The process whose pushes the checkpoint holds: its retries of them must not be applied again.
      slot.lastStep = restored[id].lastStep();
    }
    if (previous != null && session != 0 && previous.session == session) {
      // The same process reconnecting: a push it retries must still be recognised as a repeat.
      slot.lastStep = previous.lastStep;
      slot.lastStaleness = previous.lastStaleness;
      slot.lastStepLag = previous.lastStepLag;
      slot.lastDropped = previous.lastDropped;
    }
    workers.put(id, slot);
    neverJoined.remove(id);
    log.info("shard {}: worker {} {} ({} of {} live)", shardIndex, id, previous == null ? "joined" : "rejoined",
        live(), expected);
  }

  /** Renews a worker's lease; false if it has none (never joined, left, or expired). */
  boolean heartbeat(int id) {
    WorkerSlot slot = workers.get(id);
    if (slot == null || !slot.isLive()) {
      return false;
    }
    slot.touch(clock.getAsLong());
    return true;
  }

  /** Records activity of a worker (a push, a pull): its lease starts again. */
  void touch(WorkerSlot slot) {
    slot.touch(clock.getAsLong());
  }

  /**
   * Marks a worker as finished: it no longer counts towards any barrier.
   *
   * @return whether that changed who the barriers count (false: it had left already)
   */
  boolean leave(int id) throws ShardException {
    WorkerSlot slot = workers.get(id);
    if (slot == null) {
      throw notJoined(id);
    }
    if (slot.state == WorkerSlot.State.LEFT) {
      return false;
    }
    slot.state = WorkerSlot.State.LEFT;
    log.info("shard {}: worker {} left after {} pushes ({} still live)", shardIndex, id, slot.pushes, live());
    return true;
  }

  /** Refuses a worker that is not live here: never joined, left or expired. */
  void requireLive(int id) throws ShardException {
    live(id);
  }

  /** The live slot of worker {@code id}; refuses a worker that never joined, left or expired. Safe from any thread. */
  WorkerSlot live(int id) throws ShardException {
    WorkerSlot slot = workers.get(id);
    if (slot == null || !slot.isLive()) {
      throw notJoined(id);
    }
    return slot;
  }

  private ShardException notJoined(int id) {
    return new ShardException(Code.NOT_FOUND, "worker " + id + " has not joined shard " + shardIndex);
  }

  /**
   * Refuses a push from {@code slot} unless it is the worker's current, live slot: a worker that left
   * must join again (FAILED_PRECONDITION), one whose lease expired, or that joined again while the push
   * travelled, too (ABORTED).
   */
  void requireCurrent(WorkerSlot slot) throws ShardException {
    if (slot.state == WorkerSlot.State.LEFT) {
      throw new ShardException(Code.FAILED_PRECONDITION,
          "worker " + slot.workerId + " has left shard " + shardIndex + "; join again to train");
    }
    if (slot.state == WorkerSlot.State.EXPIRED || workers.get(slot.workerId) != slot) {
      throw new ShardException(Code.ABORTED, "worker " + slot.workerId + "'s lease on shard " + shardIndex
          + " expired (silent for more than " + leaseMillis + " ms); join again");
    }
  }

  /**
   * Expires the leases of workers silent for longer than the lease (a worker blocked on one of our
   * barriers is not silent: it is waiting for us), and gives up on workers that never joined within
   * one lease of the first join.
   *
   * @return whether that changed who the barriers count
   */
  boolean expireSilent() {
    long now = clock.getAsLong();
    long lease = TimeUnit.MILLISECONDS.toNanos(leaseMillis);
    boolean changed = false;
    for (WorkerSlot slot : workers.values()) {
      if (slot.isLive() && !slot.isWaitingOnShard() && now - slot.lastSeenNanos > lease) {
        slot.state = WorkerSlot.State.EXPIRED;
        // Its call is gone; a gradient that made it into a sync round stays there.
        slot.waiting = null;
        changed = true;
        log.warn("shard {}: worker {} silent for more than {} ms: it leaves the barriers ({} still live)",
            shardIndex, slot.workerId, leaseMillis, live());
      }
    }
    if (anyoneJoined && now - firstJoinNanos > lease) {
      for (int id = 0; id < expected; id++) {
        if (!workers.containsKey(id) && neverJoined.add(id)) {
          changed = true;
          log.warn("shard {}: worker {} never joined within {} ms of the first: the barriers stop waiting for it",
              shardIndex, id, leaseMillis);
        }
      }
    }
    return changed;
  }

  /** Whether worker {@code id} was given up on for never joining. */
  boolean neverJoined(int id) {
    return neverJoined.contains(id);
  }

  /**
   * Records that {@code slot} has pushed its step {@code step}: its clock moves past that step.
   *
   * @return its step lag: the newest live worker's clock minus its own
   */
  long finishStep(WorkerSlot slot, long step) {
    slot.lastStep = step;
    slot.clock = Math.max(slot.clock, step + 1);
    return maxLiveClock() - slot.clock;
  }

  /** Workers the barriers count: all N, less those that left, expired or never joined. */
  int live() {
    int gone = neverJoined.size();
    for (WorkerSlot slot : workers.values()) {
      if (!slot.isLive()) {
        gone++;
      }
    }
    return expected - gone;
  }

  /** How many steps {@code slot} is ahead of the slowest live worker (0 if it is the slowest). */
  long lead(WorkerSlot slot) {
    return Math.max(0, slot.clock - minLiveClock());
  }

  /**
   * The slowest live worker's clock. A worker expected but not yet joined counts as clock 0, or its
   * restored clock (so the first workers wait for the rest, as sync does); with no live worker at
   * all, nothing holds back.
   */
  long minLiveClock() {
    long min = Long.MAX_VALUE;
    for (int id = 0; id < expected; id++) {
      WorkerSlot slot = workers.get(id);
      if (slot == null) {
        if (!neverJoined.contains(id)) {
          min = Math.min(min, initialClock(id));
        }
      } else if (slot.isLive()) {
        min = Math.min(min, slot.clock);
      }
    }
    return min == Long.MAX_VALUE ? Long.MAX_VALUE / 2 : min;
  }

  /** The fastest live worker's clock (0 with none). */
  long maxLiveClock() {
    long max = 0;
    for (WorkerSlot slot : workers.values()) {
      if (slot.isLive()) {
        max = Math.max(max, slot.clock);
      }
    }
    return max;
  }

  /** Adds the workers to a status: expected and live counts, and each worker's state and records, by id. */
  void report(StatusReply.Builder status) {
    status.setExpectedWorkers(expected).setLiveWorkers(live());
    for (int id = 0; id < expected; id++) {
      WorkerSlot slot = workers.get(id);
      if (slot != null) {
        status.addWorkers(WorkerStatus.newBuilder()
            .setWorkerId(id)
            .setState(slot.state.name())
            .setPushes(slot.pushes)
            .setLastStep(slot.lastStep)
            .setDropped(slot.dropped)
            .setMaxLead(slot.maxLead)
            .setStaleness(slot.staleness.toProto()));
      } else if (neverJoined.contains(id)) {
        status.addWorkers(WorkerStatus.newBuilder().setWorkerId(id).setState("NEVER_JOINED").setLastStep(-1));
      }
    }
  }
}
