package io.impetus.shard;

import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.stub.ServerCallStreamObserver;
import io.impetus.proto.AttachSegmentRequest;
import io.impetus.proto.JoinReply;
import io.impetus.proto.JoinRequest;
import io.impetus.proto.Layout;
import io.impetus.proto.SliceChunk;
import io.impetus.proto.SliceHeader;
import io.impetus.proto.StatusReply;
import io.impetus.proto.WorkerStatus;
import io.impetus.runtime.ProcessCpu;
import io.impetus.staleness.StalenessPolicy;
import io.impetus.staleness.StalenessRecorder;
import io.impetus.wire.FloatChunk;
import io.impetus.wire.ShardPlan;
import io.impetus.wire.SharedSegment;
import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One shard's state and the operations on it: its slice of the parameters, the optimizer state for
 * that slice, the version (number of updates applied), the workers with their leases and clocks,
 * and the staleness of everything applied.
 *
 * <p>Consistency: {@code async} applies each gradient on arrival and answers at once; {@code ssp}
 * applies on arrival but parks the reply until the worker is at most s steps ahead of the slowest
 * live worker; {@code sync} collects one gradient per live worker (or N - b of them) computed from
 * the current version, averages them in worker-id order, applies once and answers them all.
 * Workers that finish (leave) or fall silent (lease expired) stop counting, so no barrier waits
 * forever.
 *
 * <p>Threading: every method except {@link #worker}, {@link #sliceLength}, {@link #segment} and
 * {@link #countRejected} must run on the shard's {@link UpdateLoop}. Those four are safe from any
 * thread; they let gRPC threads validate a push before handing it over.
 */
final class Shard {
  private static final Logger log = LoggerFactory.getLogger(Shard.class);

  private final ServerConfig config;
  private final StalenessPolicy policy;
  private final ConcurrentMap<Integer, WorkerSlot> workers = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, AtomicLong> rejected = new ConcurrentHashMap<>();
  /** Shared-memory segments by worker id; they outlive a worker's lease, as the mapping does. */
  private final ConcurrentMap<Integer, SharedSegment> segments = new ConcurrentHashMap<>();
  private final StalenessRecorder stepLag = new StalenessRecorder();
  private final SliceSender sender = new SliceSender();
  private final ApplyTimer applyTimer = new ApplyTimer();
  /** Sync mode: the gradients of the current step, by worker id (so averaging order is fixed). */
  private final TreeMap<Integer, PendingPush> round = new TreeMap<>();
  /** Worker ids that never joined within one lease of the first join: they no longer count. */
  private final TreeSet<Integer> neverJoined = new TreeSet<>();

  private volatile int sliceLength = -1;
  private long numParams = -1;
  private long fingerprint;
  private String model = "";
  private long rangeStart;
  private long rangeEnd;
  private float[] params;
  private float[] average;
  private SliceUpdater updater;
  private boolean initialized;
  private boolean anyoneJoined;
  private long firstJoinNanos;
  private long maxReplyLead;
  private long parkedReplies;

  private final LongSupplier clock;

  /** A shard whose leases run on {@code clock} (System::nanoTime, or a fake one in tests). */
  Shard(ServerConfig config, LongSupplier clock) {
    this.config = config;
    this.clock = clock;
    this.policy = config.policy();
  }

  /** The worker with this id, or null if it never joined. Safe from any thread. */
  WorkerSlot worker(int workerId) {
    return workers.get(workerId);
  }

  /** Length of this shard's slice, or -1 before the first join fixed the layout. Safe from any thread. */
  int sliceLength() {
    return sliceLength;
  }

  /** Counts a rejected gradient under {@code reason}. Safe from any thread. */
  void countRejected(String reason) {
    rejected.computeIfAbsent(reason, k -> new AtomicLong()).incrementAndGet();
  }

  int index() {
    return config.shardIndex();
  }

  JoinReply join(JoinRequest request) throws StatusException {
    int id = request.getWorkerId();
    if (id < 0 || id >= config.workers()) {
      throw Status.INVALID_ARGUMENT
          .withDescription("worker id " + id + " outside [0, " + config.workers() + ") for shard " + index())
          .asException();
    }
    checkLayout(request.getLayout());
    if (!anyoneJoined) {
      anyoneJoined = true;
      firstJoinNanos = clock.getAsLong();
    }
    WorkerSlot previous = workers.get(id);
    if (previous == null || !previous.isLive()) {
      WorkerSlot slot = new WorkerSlot(id, sliceLength, clock.getAsLong());
      // A returning worker resumes at the slowest live worker's clock, so it neither blocks the
      // others for the steps it missed nor counts as far ahead of them.
      slot.clock = previous == null ? 0 : Math.max(previous.clock, minLiveClock());
      workers.put(id, slot);
      neverJoined.remove(id);
      log.info("shard {}: worker {} {} ({} of {} live)", index(), id, previous == null ? "joined" : "rejoined",
          liveWorkers(), config.workers());
    } else {
      previous.touch(clock.getAsLong());
    }
    return JoinReply.newBuilder()
        .setInitialized(initialized)
        .setVersion(version())
        .setRangeStart(rangeStart)
        .setRangeEnd(rangeEnd)
        .setMode(config.mode().cliName())
        .setLeaseMillis(config.workerTimeoutMillis())
        .build();
  }

  private void checkLayout(Layout layout) throws StatusException {
    if (layout.getShardIndex() != index() || layout.getNumShards() != config.numShards()) {
      throw Status.FAILED_PRECONDITION
          .withDescription(
              "this is shard " + index() + " of " + config.numShards() + ", the worker asked for shard "
                  + layout.getShardIndex() + " of " + layout.getNumShards())
          .asException();
    }
    if (numParams < 0) {
      ShardPlan shardPlan;
      try {
        shardPlan = new ShardPlan(layout.getNumParams(), layout.getNumShards());
      } catch (IllegalArgumentException e) {
        throw Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asException();
      }
      numParams = layout.getNumParams();
      fingerprint = layout.getFingerprint();
      model = layout.getModel();
      rangeStart = shardPlan.start(index());
      rangeEnd = shardPlan.end(index());
      params = new float[shardPlan.length(index())];
      average = new float[params.length];
      updater = new SliceUpdater(config.optimizer(), policy, params.length);
      sliceLength = params.length;
      log.info(
          "shard {}: layout of model '{}' fixed: {} parameters, this shard owns [{}, {})",
          index(), model, numParams, rangeStart, rangeEnd);
      return;
    }
    if (layout.getNumParams() != numParams || layout.getFingerprint() != fingerprint) {
      throw Status.FAILED_PRECONDITION
          .withDescription(
              String.format(
                  "layout mismatch: shard %d holds model '%s' with %d parameters (fingerprint %016x), "
                      + "the worker has model '%s' with %d parameters (fingerprint %016x)",
                  index(), model, numParams, fingerprint, layout.getModel(), layout.getNumParams(),
                  layout.getFingerprint()))
          .asException();
    }
  }

  /** Sets the initial values unless another worker already did; returns whether it was already set. */
  boolean initialize(float[] values) throws StatusException {
    if (initialized) {
      return true;
    }
    if (values.length != sliceLength) {
      throw Status.INVALID_ARGUMENT
          .withDescription("initial values have " + values.length + " floats, shard " + index() + " expects " + sliceLength)
          .asException();
    }
    System.arraycopy(values, 0, params, 0, values.length);
    initialized = true;
    log.info("shard {}: initialized {} values", index(), values.length);
    return false;
  }

  /** Streams the current slice to {@code reply}. */
  void pull(int workerId, ServerCallStreamObserver<FloatChunk<SliceChunk>> reply) throws StatusException {
    requireInitialized();
    WorkerSlot slot = workers.get(workerId);
    if (slot != null) {
      slot.touch(clock.getAsLong());
      rememberRead(slot);
    }
    sender.send(params, version(), reply);
  }

  /** Renews a worker's lease; false if it has none (never joined, left, or expired). */
  boolean heartbeat(int workerId) {
    WorkerSlot slot = workers.get(workerId);
    if (slot == null || !slot.isLive()) {
      return false;
    }
    slot.touch(clock.getAsLong());
    return true;
  }

  /** Applies, collects or drops a received gradient, and answers its call when the mode allows. */
  void push(PendingPush push) {
    WorkerSlot slot = push.slot();
    try {
      requireInitialized();
      if (slot.state == WorkerSlot.State.LEFT) {
        throw Status.FAILED_PRECONDITION
            .withDescription("worker " + slot.workerId + " has left shard " + index() + "; join again to train")
            .asException();
      }
      if (slot.state == WorkerSlot.State.EXPIRED || workers.get(slot.workerId) != slot) {
        throw Status.ABORTED
            .withDescription("worker " + slot.workerId + "'s lease on shard " + index() + " expired (silent for more than "
                + config.workerTimeoutMillis() + " ms); join again")
            .asException();
      }
      long readVersion = push.header().getReadVersion();
      if (readVersion > version() || readVersion < 0) {
        throw Status.INVALID_ARGUMENT
            .withDescription(
                "gradient computed from version " + readVersion + " but shard " + index() + " is at version " + version())
            .asException();
      }
      slot.touch(clock.getAsLong());
      if (config.mode() == ConsistencyMode.SYNC) {
        pushSync(push);
      } else {
        pushOnArrival(push);
      }
    } catch (StatusException e) {
      countRejected(e.getStatus().getCode().name().toLowerCase());
      slot.release();
      push.fail(e);
    }
  }

  /** async and ssp: apply now (unless the policy drops it); answer now or when the SSP gate opens. */
  private void pushOnArrival(PendingPush push) {
    WorkerSlot slot = push.slot();
    long lag = version() - push.header().getReadVersion();
    long t0 = System.nanoTime();
    boolean applied = updater.apply(params, slot.gradient, lag, slot.readParams);
    applyTimer.record(System.nanoTime() - t0);
    if (!applied) {
      push.dropped = true;
      countRejected("too_stale");
      slot.dropped++;
    }
    advanceClock(push, lag);
    slot.release();
    slot.waiting = push;
    if (lead(slot) > 0 && lead(slot) > config.replyBound()) {
      parkedReplies++;
    }
    releaseParked();
  }

  /** sync: join the current step's round, or drop a gradient that is late for a finished step. */
  private void pushSync(PendingPush push) {
    WorkerSlot slot = push.slot();
    if (push.header().getReadVersion() != version()) {
      // Its step was applied without it (a backup worker's gradient, or a worker that was presumed
      // dead): drop it and hand the worker the current parameters.
      push.dropped = true;
      countRejected("late_for_step");
      slot.dropped++;
      advanceClock(push, version() - push.header().getReadVersion());
      slot.release();
      answer(push);
      return;
    }
    round.put(slot.workerId, push);
    slot.waiting = push;
    if (round.size() < roundSize()) {
      parkedReplies++;
    }
    completeRoundIfReady();
  }

  private void completeRoundIfReady() {
    if (round.isEmpty() || round.size() < roundSize()) {
      return;
    }
    long t0 = System.nanoTime();
    // Sum in worker-id order, then divide: the result does not depend on arrival order.
    boolean first = true;
    for (PendingPush p : round.values()) {
      float[] g = p.slot().gradient;
      if (first) {
        System.arraycopy(g, 0, average, 0, g.length);
        first = false;
      } else {
        for (int i = 0; i < g.length; i++) {
          average[i] += g[i];
        }
      }
    }
    float n = round.size();
    if (round.size() > 1) {
      for (int i = 0; i < average.length; i++) {
        average[i] /= n;
      }
    }
    updater.applyFresh(params, average, round.size());
    applyTimer.record(System.nanoTime() - t0);
    List<PendingPush> answered = new ArrayList<>(round.values());
    for (PendingPush p : answered) {
      advanceClock(p, 0);
      p.slot().release();
      p.slot().waiting = null;
      rememberRead(p.slot());
    }
    round.clear();
    sendSlice(SliceHeader.newBuilder().setVersion(version()).build(), answered);
  }

  /** Gradients needed to close a sync step: one per live worker, less the backups, at least one. */
  private int roundSize() {
    return Math.max(1, liveWorkers() - config.backupWorkers());
  }

  /** Records a processed gradient: the worker's clock moves on, and an applied one counts its staleness. */
  private void advanceClock(PendingPush push, long lag) {
    WorkerSlot slot = push.slot();
    slot.lastStep = push.header().getWorkerStep();
    slot.clock = Math.max(slot.clock, push.header().getWorkerStep() + 1);
    push.staleness = lag;
    push.stepLag = maxLiveClock() - slot.clock;
    if (!push.dropped) {
      slot.pushes++;
      slot.staleness.record(lag);
      stepLag.record(push.stepLag);
    }
  }

  /** Answers every parked async/ssp reply whose worker is now within the staleness bound. */
  private void releaseParked() {
    if (config.mode() == ConsistencyMode.SYNC) {
      return;
    }
    for (WorkerSlot slot : workers.values()) {
      PendingPush push = slot.waiting;
      if (push != null && lead(slot) <= config.replyBound()) {
        answer(push);
      }
    }
  }

  /** How many steps {@code slot} is ahead of the slowest live worker. */
  private long lead(WorkerSlot slot) {
    return Math.max(0, slot.clock - minLiveClock());
  }

  private void answer(PendingPush push) {
    WorkerSlot slot = push.slot();
    long lead = lead(slot);
    slot.maxLead = Math.max(slot.maxLead, lead);
    maxReplyLead = Math.max(maxReplyLead, lead);
    slot.waiting = null;
    rememberRead(slot);
    sendSlice(
        SliceHeader.newBuilder().setVersion(version()).setStaleness(push.staleness).setStepLag(push.stepLag)
            .setDropped(push.dropped).build(),
        List.of(push));
  }

  /**
   * Answers {@code pushes} with the current slice and {@code header}: a shared-memory push gets the
   * slice written to its worker's segment and the header as its reply; streamed pushes get it in
   * chunks. Completes every call.
   */
  private void sendSlice(SliceHeader header, List<PendingPush> pushes) {
    List<ServerCallStreamObserver<FloatChunk<SliceChunk>>> streams = new ArrayList<>(pushes.size());
    SliceHeader withLength = null;
    for (PendingPush p : pushes) {
      if (p.segment == null) {
        streams.add(p.stream);
        continue;
      }
      if (p.shared.isCancelled()) {
        continue; // the worker went away; its update stands
      }
      p.segment.writeSlice(params);
      if (withLength == null) {
        withLength = header.toBuilder().setLength(params.length).build();
      }
      p.shared.slice(withLength);
    }
    if (!streams.isEmpty()) {
      sender.send(params, header, streams);
    }
  }

  /**
   * Attaches the shared-memory segment a joined worker created for this shard, replacing any
   * earlier one of that worker. Does file I/O: runs on the update loop, never on a gRPC thread.
   */
  void attach(AttachSegmentRequest request) throws StatusException {
    int id = request.getWorkerId();
    Path dir = config.sharedMemoryDir();
    if (dir == null) {
      throw Status.FAILED_PRECONDITION
          .withDescription("shard " + index() + " does not accept shared-memory segments (started with --no-shm)")
          .asException();
    }
    WorkerSlot slot = workers.get(id);
    if (slot == null || !slot.isLive()) {
      throw Status.NOT_FOUND.withDescription("worker " + id + " has not joined shard " + index()).asException();
    }
    if (request.getLength() != sliceLength) {
      throw Status.INVALID_ARGUMENT
          .withDescription("segment holds " + request.getLength() + " floats, shard " + index() + " has " + sliceLength)
          .asException();
    }
    try {
      SharedSegment segment = SharedSegment.open(dir, Path.of(request.getPath()), request.getNonce(), sliceLength);
      segments.put(id, segment);
      log.info("shard {}: worker {} pushes through shared memory", index(), id);
    } catch (IOException | InvalidPathException e) {
      throw Status.FAILED_PRECONDITION
          .withDescription("shard " + index() + " cannot attach worker " + id + "'s segment: " + e.getMessage())
          .asException();
    }
  }

  /** The segment attached for this worker, or null. Safe from any thread. */
  SharedSegment segment(int workerId) {
    return segments.get(workerId);
  }

  private void rememberRead(WorkerSlot slot) {
    if (policy.needsReadParams() && params != null) {
      if (slot.readParams == null) {
        slot.readParams = new float[params.length];
      }
      System.arraycopy(params, 0, slot.readParams, 0, params.length);
    }
  }

  /** Marks a worker as finished: it no longer counts towards any barrier. */
  long leave(int workerId) throws StatusException {
    WorkerSlot slot = workers.get(workerId);
    if (slot == null) {
      throw Status.NOT_FOUND.withDescription("worker " + workerId + " has not joined shard " + index()).asException();
    }
    if (slot.state != WorkerSlot.State.LEFT) {
      slot.state = WorkerSlot.State.LEFT;
      log.info("shard {}: worker {} left after {} pushes ({} still live)", index(), workerId, slot.pushes, liveWorkers());
      barriersChanged();
    }
    return version();
  }

  /**
   * Expires the leases of workers silent for longer than the timeout (a worker blocked on one of our
   * barriers is not silent), and gives up on workers that never joined within one lease of the
   * first join. Runs periodically on the update loop.
   */
  void checkLeases() {
    long now = clock.getAsLong();
    long timeout = TimeUnit.MILLISECONDS.toNanos(config.workerTimeoutMillis());
    boolean changed = false;
    for (WorkerSlot slot : workers.values()) {
      if (slot.isLive() && !slot.isWaitingOnShard() && now - slot.lastSeenNanos > timeout) {
        slot.state = WorkerSlot.State.EXPIRED;
        if (slot.waiting != null) {
          slot.waiting = null; // its call is gone; the gradient stays in a sync round if it got there
        }
        changed = true;
        log.warn("shard {}: worker {} silent for more than {} ms: it leaves the barriers ({} still live)",
            index(), slot.workerId, config.workerTimeoutMillis(), liveWorkers());
      }
    }
    if (anyoneJoined && now - firstJoinNanos > timeout) {
      for (int id = 0; id < config.workers(); id++) {
        if (!workers.containsKey(id) && neverJoined.add(id)) {
          changed = true;
          log.warn("shard {}: worker {} never joined within {} ms of the first: the barriers stop waiting for it",
              index(), id, config.workerTimeoutMillis());
        }
      }
    }
    if (changed) {
      barriersChanged();
    }
  }

  private void barriersChanged() {
    if (config.mode() == ConsistencyMode.SYNC) {
      completeRoundIfReady();
    } else {
      releaseParked();
    }
  }

  /** Workers the barriers count: all N, less those that left, expired or never joined. */
  private int liveWorkers() {
    int gone = neverJoined.size();
    for (WorkerSlot slot : workers.values()) {
      if (!slot.isLive()) {
        gone++;
      }
    }
    return config.workers() - gone;
  }

  /**
   * The slowest live worker's clock. A worker expected but not yet joined counts as clock 0 (so the
   * first workers wait for the rest, as sync does); with no live worker at all, nothing holds back.
   */
  private long minLiveClock() {
    long min = Long.MAX_VALUE;
    for (int id = 0; id < config.workers(); id++) {
      WorkerSlot slot = workers.get(id);
      if (slot == null) {
        if (!neverJoined.contains(id)) {
          min = 0;
        }
      } else if (slot.isLive()) {
        min = Math.min(min, slot.clock);
      }
    }
    return min == Long.MAX_VALUE ? Long.MAX_VALUE / 2 : min;
  }

  private long maxLiveClock() {
    long max = 0;
    for (WorkerSlot slot : workers.values()) {
      if (slot.isLive()) {
        max = Math.max(max, slot.clock);
      }
    }
    return max;
  }

  StatusReply status() {
    StatusReply.Builder b =
        StatusReply.newBuilder()
            .setShardIndex(index())
            .setNumShards(config.numShards())
            .setInitialized(initialized)
            .setVersion(version())
            .setNumParams(Math.max(0, numParams))
            .setRangeStart(rangeStart)
            .setRangeEnd(rangeEnd)
            .setMode(config.mode().cliName())
            .setOptimizer(config.optimizer().describe().toString())
            .setCurrentLr(currentLr())
            .setStaleness(updater == null ? new StalenessRecorder().toProto() : updater.staleness().toProto())
            .setStepLag(stepLag.toProto())
            .setExpectedWorkers(config.workers())
            .setLiveWorkers(liveWorkers())
            .setMaxReplyLead(maxReplyLead)
            .setParkedReplies(parkedReplies)
            .setStalenessPolicy(policy.spec())
            .setApplyMicros(applyTimer.toProto())
            .setProcessCpuSeconds(ProcessCpu.seconds())
            .setEffectiveMomentum(updater == null ? config.optimizer().momentum() : updater.lastMomentum());
    for (int id = 0; id < config.workers(); id++) {
      WorkerSlot slot = workers.get(id);
      if (slot != null) {
        b.addWorkers(
            WorkerStatus.newBuilder()
                .setWorkerId(id)
                .setState(slot.state.name())
                .setPushes(slot.pushes)
                .setLastStep(slot.lastStep)
                .setDropped(slot.dropped)
                .setMaxLead(slot.maxLead)
                .setStaleness(slot.staleness.toProto()));
      } else if (neverJoined.contains(id)) {
        b.addWorkers(WorkerStatus.newBuilder().setWorkerId(id).setState("NEVER_JOINED").setLastStep(-1));
      }
    }
    for (Map.Entry<String, AtomicLong> e : rejected.entrySet()) {
      b.putRejected(e.getKey(), e.getValue().get());
    }
    return b.build();
  }

  private double currentLr() {
    return updater == null ? config.optimizer().lr() : updater.currentLr();
  }

  /** Updates applied so far. */
  private long version() {
    return updater == null ? 0 : updater.version();
  }

  private void requireInitialized() throws StatusException {
    if (!initialized) {
      throw Status.FAILED_PRECONDITION
          .withDescription("shard " + index() + " has no parameters yet: a worker must join and initialize it")
          .asException();
    }
  }

  static void fail(ServerCallStreamObserver<?> reply, StatusException e) {
    try {
      if (!reply.isCancelled()) {
        reply.onError(e);
      }
    } catch (RuntimeException ignored) {
      // the call is gone already
    }
  }
}
