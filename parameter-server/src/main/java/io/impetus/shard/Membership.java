package io.impetus.shard;

import io.impetus.proto.StatusReply;
import io.impetus.proto.WorkerStatus;
import io.impetus.shard.ShardException.Code;
import io.impetus.shard.checkpoint.WorkerProgress;
import com.google.protobuf.ByteString;
import io.impetus.wire.Refusal;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.impetus.wire.Reason;

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
 * <p>Sessions: each join of a worker that is not live creates a session, a {@link WorkerSlot} with a
 * secret key the join reply carries; every later call for that id must present it ({@link #session}).
 * A second join of a live id is refused until its lease has expired, unless it presents the live
 * session's key (the same process joining again, which renews it).
 *
 * <p>Threading: {@link #worker}, {@link #session} and {@link #requireCurrent} are safe from any thread
 * (transport threads validate pushes with them); everything else runs on the shard's update loop. Leases are measured on the given clock
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
  /** Session keys: 16 bytes each, enough that nobody guesses one. */
  static final int KEY_BYTES = 16;
  private final SecureRandom random = new SecureRandom();
  /** Told the id of every worker that departs (to free what a transport keeps for it). */
  private IntConsumer departures = id -> {};
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
      throw new ShardException(Code.INVALID_ARGUMENT, Reason.WORKER_ID_OUT_OF_RANGE,
          "worker id " + id + " outside [0, " + expected + ") for shard " + shardIndex);
    }
  }

  /**
   * Registers worker {@code id} with a gradient buffer of {@code sliceLength} floats and returns its
   * session (slot): a first join, or a return after leaving or expiring, is a new session with a new
   * key, at the slowest live worker's clock (so that it neither holds the others back for the steps it
   * missed nor counts as far ahead of them). A join of a live worker that presents that session's
   * {@code key} (the same process joining again) renews the session's lease. A return with the same
   * non-zero {@code session} (the same process) keeps the last step processed for it, so its retries
   * stay recognisable.
   *
   * @throws ShardException ALREADY_EXISTS (WORKER_ALREADY_JOINED) when another session holds the id
   *     and its lease has not expired: the message and metadata say roughly when it will
   */
  WorkerSlot join(int id, int sliceLength, long session, ByteString key) throws ShardException {
    long now = clock.getAsLong();
    WorkerSlot previous = workers.get(id);
    if (previous != null && previous.isLive() && isSilent(previous, now)) {
      // Its lease ran out and the periodic check has not seen it yet: it is gone, whoever asks.
      expire(previous);
    }
    if (previous != null && previous.isLive()) {
      if (!previous.holds(key)) {
        long leaseLeft = Math.max(1, leaseMillis - TimeUnit.NANOSECONDS.toMillis(now - previous.lastSeenNanos));
        throw new ShardException(Code.ALREADY_EXISTS, Reason.WORKER_ALREADY_JOINED, "worker " + id
            + " is already joined to shard " + shardIndex + " by another session, whose lease ends in about "
            + leaseLeft + " ms unless that session stays active; join again after it",
            Map.of(Refusal.WORKER_ID, Integer.toString(id), Refusal.CALL, "Join",
                Refusal.RETRY_AFTER_MILLIS, Long.toString(leaseLeft)));
      }
      previous.touch(now);
      if (session != previous.session) {
        // The key says it is the session's holder; a new process number says its steps start afresh.
        previous.session = session;
        previous.lastStep = -1;
      }
      return previous;
    }
    if (!anyoneJoined) {
      anyoneJoined = true;
      firstJoinNanos = now;
    }
    WorkerSlot slot = new WorkerSlot(id, sliceLength, now, newKey());
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
    return slot;
  }

  /** A new session key: {@value #KEY_BYTES} bytes from a {@link SecureRandom}. */
  private byte[] newKey() {
    byte[] key = new byte[KEY_BYTES];
    random.nextBytes(key);
    return key;
  }

  /**
   * The session of worker {@code id} that {@code key} names, for the call {@code call} (named in a
   * refusal): the worker's current slot, whatever its state, if {@code key} is its session key. Safe
   * from any thread.
   *
   * @throws ShardException NOT_FOUND (SESSION_UNKNOWN) when the id has no session here (it never
   *     joined, or the shard restarted: join again); PERMISSION_DENIED
   *     (SESSION_MISMATCH) when the key is not that session's
   */
  WorkerSlot session(int id, ByteString key, String call) throws ShardException {
    WorkerSlot slot = workers.get(id);
    if (slot == null) {
      // Also for an id outside [0, N), which no join could have made.
      throw new ShardException(Code.NOT_FOUND, Reason.SESSION_UNKNOWN,
          "worker " + id + " has not joined shard " + shardIndex, metadata(id, call));
    }
    if (!slot.holds(key)) {
      throw new ShardException(Code.PERMISSION_DENIED, Reason.SESSION_MISMATCH, call + " for worker " + id
          + " on shard " + shardIndex + " does not carry the session key of that worker's session",
          metadata(id, call));
    }
    return slot;
  }

  /** As {@link #session}, for a call only a live session may make: refuses a worker that left or expired. */
  WorkerSlot liveSession(int id, ByteString key, String call) throws ShardException {
    WorkerSlot slot = session(id, key, call);
    requireCurrent(slot);
    return slot;
  }

  private static Map<String, String> metadata(int id, String call) {
    return Map.of(Refusal.WORKER_ID, Integer.toString(id), Refusal.CALL, call);
  }

  /** Renews the lease of {@code slot}'s session; false if it has departed (left or expired). */
  boolean heartbeat(WorkerSlot slot) {
    if (!slot.isLive() || workers.get(slot.workerId) != slot) {
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
   * Marks the worker of {@code slot} as finished: it no longer counts towards any barrier, and its
   * buffers are freed.
   *
   * @return whether that changed who the barriers count (false: it had left already)
   */
  boolean leave(WorkerSlot slot) {
    if (slot.state == WorkerSlot.State.LEFT) {
      return false;
    }
    boolean wasLive = slot.isLive();
    slot.depart(WorkerSlot.State.LEFT);
    departures.accept(slot.workerId);
    log.info("shard {}: worker {} left after {} pushes ({} still live)", shardIndex, slot.workerId, slot.pushes,
        live());
    return wasLive;
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
    return new ShardException(Code.NOT_FOUND, Reason.SESSION_UNKNOWN, "worker " + id + " has not joined shard " + shardIndex);
  }

  /** Hands the id of every worker that departs (leaves or expires) to {@code listener}, on the update loop. */
  void onDeparture(IntConsumer listener) {
    departures = departures.andThen(listener);
  }

  /**
   * Refuses a call from {@code slot} unless it is the worker's current, live slot: a worker that left
   * must join again (FAILED_PRECONDITION), one whose lease expired, or that joined again while the push
   * travelled, too (ABORTED). Safe from any thread.
   */
  void requireCurrent(WorkerSlot slot) throws ShardException {
    if (slot.state == WorkerSlot.State.LEFT) {
      throw new ShardException(Code.FAILED_PRECONDITION, Reason.WORKER_LEFT,
          "worker " + slot.workerId + " has left shard " + shardIndex + "; join again to train");
    }
    if (slot.state == WorkerSlot.State.EXPIRED || workers.get(slot.workerId) != slot) {
      throw new ShardException(Code.ABORTED, Reason.LEASE_EXPIRED, "worker " + slot.workerId + "'s lease on shard " + shardIndex
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
      if (slot.isLive() && isSilent(slot, now)) {
        expire(slot);
        changed = true;
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

  /** Whether {@code slot}'s worker has been silent for longer than the lease (and is not blocked on us). */
  private boolean isSilent(WorkerSlot slot, long now) {
    return !slot.isWaitingOnShard() && now - slot.lastSeenNanos > TimeUnit.MILLISECONDS.toNanos(leaseMillis);
  }

  /** Ends a silent worker's session: it leaves the barriers and frees its buffers. */
  private void expire(WorkerSlot slot) {
    // Its call is gone; a gradient that made it into a sync round stays there (and its buffer with it).
    slot.depart(WorkerSlot.State.EXPIRED);
    departures.accept(slot.workerId);
    log.warn("shard {}: worker {} silent for more than {} ms: it leaves the barriers ({} still live)",
        shardIndex, slot.workerId, leaseMillis, live());
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
