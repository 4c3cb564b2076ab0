package io.impetus.shard;

import com.google.protobuf.ByteString;
import io.impetus.proto.JoinReply;
import io.impetus.proto.JoinRequest;
import io.impetus.proto.PushHeader;
import io.impetus.proto.SliceHeader;
import io.impetus.proto.StatusReply;
import io.impetus.runtime.ProcessCpu;
import io.impetus.shard.ShardException.Code;
import io.impetus.shard.checkpoint.CheckpointLayout;
import io.impetus.shard.checkpoint.CheckpointMismatchException;
import io.impetus.shard.checkpoint.Checkpointer;
import io.impetus.shard.checkpoint.ShardSnapshot;
import io.impetus.staleness.StalenessPolicy;
import io.impetus.staleness.StalenessRecorder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.impetus.wire.Reason;

/**
 * One shard's core: its slice of the parameters, the optimizer state for that slice, the version
 * (updates applied), and the staleness of everything applied. Its workers are a {@link Membership},
 * and a {@link ConsistencyGate} decides when each push is answered.
 *
 * <p>It takes a validated push (the worker's slot, whose gradient buffer holds the floats, and the
 * push's header) and answers through a {@link SliceReply}. It knows nothing of how either travels:
 * gRPC streams, shared-memory segments and the doorbell are adapters in {@code
 * io.impetus.shard.transport}.
 *
 * <p>Durability: through its {@link Checkpointer} it hands a snapshot of its state to the checkpoint
 * writer every K updates and when it stops, and it can start from a checkpoint. A push is identified
 * by (worker, step): one that repeats a step already processed for its worker is answered, never
 * applied twice.
 *
 * <p>Numeric safety: an update that would make a parameter or an optimizer value NaN or infinite is
 * refused, leaving slice, optimizer state and version as they were; it is counted as {@code
 * non_finite_update} and answered as a dropped gradient. Each gradient is clipped first when the
 * config asks for it ({@code --clip-grad-norm}, per slice).
 *
 * <p>Sessions: a join creates (or, presenting its key, renews) the worker's session, whose key every
 * later call for that worker must carry ({@link Membership}); a call with another key is refused with
 * PERMISSION_DENIED and changes nothing.
 *
 * <p>Threading: {@link #index}, {@link #sliceLength}, {@link #claim}, {@link #requireSession}, {@link
 * #refuse} and {@link #nonFinite} are safe from any thread; they let transport threads validate a push before handing it
 * over. Every other method must run on the shard's {@link UpdateLoop}, which is what lets the state go
 * without locks.
 */
public final class Shard {
  private static final Logger log = LoggerFactory.getLogger(Shard.class);
  /** The reason under which refused updates with a non-finite result are counted. */
  static final String NON_FINITE_UPDATE = "non_finite_update";

  private final ServerConfig config;
  private final StalenessPolicy policy;
  private final Membership members;
  private final ConsistencyGate gate;
  private final Checkpointer checkpoints;
  private final CrashAtVersion crash;
  private final LayoutCheck layoutCheck;
  private final ConcurrentMap<String, AtomicLong> rejected = new ConcurrentHashMap<>();
  /** Pushes answered with an error; transport threads refuse too. */
  private final AtomicLong refusedPushes = new AtomicLong();
  private final ApplyTimer applyTimer = new ApplyTimer();
  private long appliedPushes;
  private long deduplicatedPushes;
  /** Step lag of applied gradients; replaced by the checkpoint's record on a restore. */
  private StalenessRecorder stepLag = new StalenessRecorder();
  /** {@link #answer}, allocated once: the gate calls it for every released reply. */
  private final Consumer<PendingPush> answer = this::answer;

  private volatile int sliceLength = -1;
  private SliceLayout layout;
  private float[] params;
  private float[] average;
  private SliceUpdater updater;
  /** Written on the update loop; volatile so that transport threads can refuse to buffer for nothing. */
  private volatile boolean initialized;

  /** A shard whose leases run on {@code clock} (System::nanoTime, or a fake one in tests), without checkpoints. */
  Shard(ServerConfig config, LongSupplier clock) {
    this(config, clock, Checkpointer.disabled());
  }

  /**
   * A shard that checkpoints through {@code checkpoints} and, if that found a checkpoint, starts from
   * it: layout, parameters, optimizer state, version (and so the schedule's position), the staleness
   * policy's state, the workers' clocks, sessions and last steps, and the staleness records. Such a
   * shard is initialized: a worker's join finds it so and pulls instead of overwriting it.
   *
   * @throws io.impetus.shard.checkpoint.CheckpointMismatchException when the checkpoint's optimizer
   *     state does not fit this shard's optimizer
   */
  Shard(ServerConfig config, LongSupplier clock, Checkpointer checkpoints) {
    this.config = config;
    this.policy = config.policy();
    this.members = new Membership(config.shardIndex(), config.workers(), config.workerTimeoutMillis(), clock);
    this.gate = new ConsistencyGate(config.mode(), config.stalenessBound(), config.backupWorkers(), members);
    this.checkpoints = checkpoints;
    this.crash = new CrashAtVersion(config.shardIndex(), config.crashAtVersion());
    this.layoutCheck = new LayoutCheck(config.shardIndex(), config.numShards(), config.layoutLimits().expected(),
        SliceMemory.maxParams(config));
    checkpoints.restored().ifPresent(this::restore);
    log.info("shard {}: expects {}, of at most {} parameters{}", index(), config.layoutLimits().expected().describe(),
        layoutCheck.maxParams(), config.layoutLimits().maxParams() > 0 ? " (--max-params)"
            : " (what half of this JVM's max heap holds; --max-params)");
  }

  private void restore(ShardSnapshot s) {
    CheckpointLayout l = s.layout();
    requireExpected(l);
    if (!s.stalenessPolicy().equals(policy.spec())) {
      log.warn("shard {}: the checkpoint was written with staleness policy {}, this shard applies {}", index(),
          s.stalenessPolicy(), policy.spec());
    }
    layout = new SliceLayout(l.numParams(), l.fingerprint(), l.model(), l.rangeStart(), l.rangeEnd(), l.length());
    params = s.params();
    average = new float[params.length];
    updater = guarded(new SliceUpdater(config.optimizer(), policy,
        checkpoints.restoredOptimizerState(config.optimizer()), s.version(), StalenessRecorder.of(s.staleness()),
        s.lastMomentum()));
    stepLag = StalenessRecorder.of(s.stepLag());
    members.restore(s.workers());
    sliceLength = params.length;
    initialized = true;
    log.info("shard {}: restored version {} of model '{}': {} parameters, this shard owns [{}, {})", index(),
        s.version(), l.model(), l.numParams(), l.rangeStart(), l.rangeEnd());
  }

  /**
   * Refuses to start from a checkpoint of another layout than the one this shard was told to expect:
   * it would refuse every worker of the expected one.
   */
  private void requireExpected(CheckpointLayout l) {
    ExpectedLayout expected = config.layoutLimits().expected();
    if (!expected.isAny() && (l.numParams() != expected.numParams()
        || (expected.fingerprint().isPresent() && l.fingerprint() != expected.fingerprint().getAsLong()))) {
      throw new CheckpointMismatchException("the checkpoint holds " + l.describe() + String.format(
          " (fingerprint %016x), but this shard expects %s (--model, --num-params); start it with the checkpoint's"
              + " model or another --checkpoint-dir", l.fingerprint(), expected.describe()));
    }
  }

  /**
   * A copy of the state a checkpoint holds. The copy of the slice and of the optimizer buffers is the
   * only time a checkpoint costs the update loop; the writer thread does the rest.
   */
  private ShardSnapshot snapshot() {
    Map<String, float[]> buffers = new LinkedHashMap<>();
    for (Map.Entry<String, float[]> b : updater.state().buffers().entrySet()) {
      buffers.put(b.getKey(), b.getValue().clone());
    }
    return new ShardSnapshot(
        new CheckpointLayout(index(), config.numShards(), layout.numParams(), layout.fingerprint(), layout.model(),
            layout.rangeStart(), layout.rangeEnd()),
        config.optimizer(), version(), updater.schedulePosition(), policy.spec(), updater.lastMomentum(),
        members.progress(), updater.staleness().counts(), stepLag.counts(), params.clone(), updater.state().steps(),
        buffers);
  }

  /**
   * After an update: hands a snapshot to the checkpoint writer if one is due at this version, then
   * dies if fault injection says so ({@link CrashAtVersion}).
   */
  private void afterUpdate() {
    if (checkpoints.due(version())) {
      checkpoints.submit(snapshot());
    }
    crash.afterUpdate(version(), checkpoints);
  }

  /**
   * The shard stops (a signal, the end of the run): hands a last snapshot to the checkpoint writer
   * unless the newest checkpoint already holds this version or there is nothing to save.
   */
  public void checkpointOnStop() {
    if (initialized && checkpoints.wantsFinal(version())) {
      checkpoints.submit(snapshot());
    }
  }

  /** This shard's index in the plan. Safe from any thread. */
  public int index() {
    return config.shardIndex();
  }

  /** Length of this shard's slice, or -1 before the first join fixed the layout. Safe from any thread. */
  public int sliceLength() {
    return sliceLength;
  }

  /** Whether the slice has its initial values (or a checkpoint's). Safe from any thread. */
  public boolean initialized() {
    return initialized;
  }

  /**
   * Lets {@code workerId} buffer initial values, checked at an Initialize's first chunk before anything
   * is buffered: it must have joined and be live (NOT_FOUND otherwise), and have no other Initialize
   * call holding a buffer (FAILED_PRECONDITION), so a shard holds at most one per worker. The caller
   * ends it with {@link WorkerSlot#endInitializing()} on the returned slot when the call ends. Safe from
   * any thread.
   */
  public WorkerSlot startInitializing(int workerId) throws ShardException {
    WorkerSlot slot = members.live(workerId);
    if (!slot.tryStartInitializing()) {
      throw new ShardException(Code.FAILED_PRECONDITION,
          "worker " + workerId + " already has an Initialize call in flight to shard " + index());
    }
    return slot;
  }

  /**
   * Claims the pushing worker's gradient buffer after checking the header: its fields are well formed
   * ({@link PushHeaders}), the worker has joined, the length is this shard's, and no other push of this
   * worker is in flight here. The caller fills
   * {@link WorkerSlot#gradient()}, then hands the push to {@link #push} or gives the buffer back with
   * {@link WorkerSlot#release()}. Safe from any thread; a refusal is counted.
   */
  public WorkerSlot claim(PushHeader header) throws ShardException {
    WorkerSlot slot;
    try {
      // The session first: a caller that does not hold the worker's session learns nothing more.
      slot = members.session(header.getWorkerId(), header.getSessionKey(), "PushPull");
      members.requireCurrent(slot);
    } catch (ShardException e) {
      throw counted(e.reason() == Reason.SESSION_UNKNOWN ? "unknown_worker"
          : e.reason() == Reason.SESSION_MISMATCH ? "session_mismatch" : e.code().reason(), e);
    }
    String problem = PushHeaders.problem(header);
    if (problem != null) {
      throw refuse("malformed", Code.INVALID_ARGUMENT, Reason.MALFORMED, problem);
    }
    if (header.getLength() != slot.gradient.length) {
      throw refuse("wrong_length", Code.INVALID_ARGUMENT, Reason.WRONG_LENGTH,
          "gradient has " + header.getLength() + " values, shard " + index() + " expects " + slot.gradient.length);
    }
    if (!slot.tryAcquire()) {
      throw refuse("concurrent_push", Code.FAILED_PRECONDITION, Reason.PUSH_IN_FLIGHT,
          "worker " + header.getWorkerId() + " already has a push in flight to shard " + index());
    }
    try {
      // Again, holding the buffer: a worker that departed meanwhile may have had it freed.
      members.requireCurrent(slot);
    } catch (ShardException e) {
      slot.release();
      throw counted(e.code().reason(), e);
    }
    return slot;
  }

  /** {@code e}, counted as a refused push under {@code counted}. */
  private ShardException counted(String counted, ShardException e) {
    count(counted);
    refusedPushes.incrementAndGet();
    return e;
  }

  /**
   * The live session of worker {@code workerId} that {@code key} names, for the call {@code call}:
   * refuses an unknown id (NOT_FOUND), a foreign or missing key (PERMISSION_DENIED) and a worker that
   * left or expired. Safe from any thread: Initialize checks its caller with it before it allocates.
   */
  public void requireSession(int workerId, ByteString key, String call) throws ShardException {
    members.liveSession(workerId, key, call);
  }

  /**
   * Tells {@code listener} the id of every worker that departs (leaves or expires), on the update loop,
   * so that a transport frees what it keeps for that worker (an attached segment).
   */
  public void onDeparture(IntConsumer listener) {
    members.onDeparture(listener);
  }

  /** A refusal of a gradient for {@code reason}, counted in the status under {@code counted}. Safe from any thread. */
  public ShardException refuse(String counted, Code code, Reason reason, String message) {
    count(counted);
    refusedPushes.incrementAndGet();
    return new ShardException(code, reason, message);
  }

  /** Counts a refused or dropped gradient under {@code reason}. Safe from any thread. */
  private void count(String reason) {
    rejected.computeIfAbsent(reason, k -> new AtomicLong()).incrementAndGet();
  }

  /** The refusal of a gradient whose value {@code index} is NaN or infinite. Safe from any thread. */
  public ShardException nonFinite(WorkerSlot slot, PushHeader header, int index) {
    return refuse("non_finite", Code.INVALID_ARGUMENT, Reason.NON_FINITE, "gradient value " + index + " of shard " + index() + " is "
        + slot.gradient[index] + " (worker " + header.getWorkerId() + ", step " + header.getWorkerStep() + ")");
  }

  /**
   * Registers a worker and checks its layout ({@link LayoutCheck}) before allocating anything; the first
   * join fixes the layout and allocates the slice. The reply carries the session's key; a join of an id
   * another live session holds is refused (see {@link Membership#join}).
   */
  public JoinReply join(JoinRequest request) throws ShardException {
    int id = request.getWorkerId();
    members.requireValidId(id);
    layoutCheck.check(id, request.getLayout(), layout);
    fixLayout(request);
    WorkerSlot slot = members.join(id, sliceLength, request.getSession(), request.getSessionKey());
    return JoinReply.newBuilder()
        .setSessionKey(slot.key())
        .setInitialized(initialized)
        .setVersion(version())
        .setRangeStart(layout.rangeStart())
        .setRangeEnd(layout.rangeEnd())
        .setMode(config.mode().cliName())
        .setLeaseMillis(config.workerTimeoutMillis())
        .build();
  }

  /** On the first join (a checked one): fixes the layout and allocates the slice and its state. */
  private void fixLayout(JoinRequest request) throws ShardException {
    if (layout != null) {
      return;
    }
    layout = SliceLayout.fix(request.getLayout(), index(), config.numShards());
    params = new float[layout.length()];
    average = new float[layout.length()];
    updater = guarded(new SliceUpdater(config.optimizer(), policy, layout.length()));
    sliceLength = layout.length();
    log.info("shard {}: layout of model '{}' fixed: {} parameters, this shard owns [{}, {})",
        index(), layout.model(), layout.numParams(), layout.rangeStart(), layout.rangeEnd());
  }

  /**
   * The shard's numeric safety: an update that would leave a non-finite parameter or optimizer value is
   * refused (and the slice kept as it was), and each gradient is clipped first if the config says so.
   */
  private SliceUpdater guarded(SliceUpdater u) {
    return u.refusingNonFinite().clipping(config.clipGradNorm());
  }

  /** Sets the initial values unless another worker already did; returns whether it was already set. */
  public boolean initialize(float[] values) throws ShardException {
    if (initialized) {
      return true;
    }
    if (values.length != sliceLength) {
      throw new ShardException(Code.INVALID_ARGUMENT, Reason.WRONG_LENGTH,
          "initial values have " + values.length + " floats, shard " + index() + " expects " + sliceLength);
    }
    System.arraycopy(values, 0, params, 0, values.length);
    initialized = true;
    log.info("shard {}: initialized {} values", index(), values.length);
    return false;
  }

  /**
   * Answers {@code reply} with the current slice and its version, for the worker whose session {@code
   * key} names (one that left may still pull).
   */
  public void pull(int workerId, ByteString key, SliceReply reply) {
    WorkerSlot slot;
    try {
      slot = members.session(workerId, key, "Pull");
    } catch (ShardException e) {
      reply.fail(e);
      return;
    }
    if (!initialized) {
      reply.fail(notInitialized());
      return;
    }
    if (slot.isLive()) {
      members.touch(slot);
      rememberRead(slot);
    }
    reply.slice(SliceHeader.newBuilder().setVersion(version()).setLength(params.length).build(), params);
  }

  /**
   * Renews the lease of the worker's session that {@code key} names; false if that session has
   * departed (left or expired): join again.
   */
  public boolean heartbeat(int workerId, ByteString key) throws ShardException {
    return members.heartbeat(members.session(workerId, key, "Heartbeat"));
  }

  /**
   * Applies, collects or drops a validated gradient (in {@code slot}'s buffer, claimed with {@link
   * #claim}) and answers {@code reply} when the consistency mode allows: at once, or later, when an
   * ssp bound or a sync round lets it go. Gives the buffer back once the gradient is used.
   */
  public void push(WorkerSlot slot, PushHeader header, SliceReply reply) {
    PendingPush push = new PendingPush(slot, header, reply);
    try {
      if (!initialized) {
        throw notInitialized();
      }
      members.requireCurrent(slot);
      // No version this shard has not reached: not even a repeat's (versions only grow, so a true
      // repeat was computed from one it had). Negative ones were refused by claim.
      if (header.getReadVersion() > version()) {
        throw new ShardException(Code.INVALID_ARGUMENT,
            "read_version " + header.getReadVersion() + " is ahead of this shard's version");
      }
      members.touch(slot);
      if (header.getWorkerStep() <= slot.lastStep) {
        answerRepeat(push);
        return;
      }
      if (gate.collectsRounds()) {
        pushSync(push);
      } else {
        pushOnArrival(push);
      }
    } catch (ShardException e) {
      count(e.code().reason());
      refusedPushes.incrementAndGet();
      slot.release();
      reply.fail(e);
    }
  }

  /**
   * A push of a step this worker's push was already processed for (a retry after a lost reply, or
   * a reconnect that sent it again): it is not applied again. It is answered at once, as the first
   * one was (staleness, step lag, dropped) with the current slice: parameters only move forward, so
   * the worker loses nothing by reading the newest.
   */
  private void answerRepeat(PendingPush push) {
    WorkerSlot slot = push.slot;
    deduplicatedPushes++;
    slot.release();
    rememberRead(slot);
    boolean repeatOfLast = push.header.getWorkerStep() == slot.lastStep;
    push.reply.slice(SliceHeader.newBuilder().setVersion(version()).setLength(params.length)
        .setStaleness(repeatOfLast ? slot.lastStaleness : 0).setStepLag(repeatOfLast ? slot.lastStepLag : 0)
        .setDropped(repeatOfLast && slot.lastDropped).setDuplicate(true).build(), params);
  }

  /** async and ssp: apply now (unless the policy drops it); answer now or when the gate opens. */
  private void pushOnArrival(PendingPush push) {
    WorkerSlot slot = push.slot;
    long lag = version() - push.header.getReadVersion();
    long t0 = System.nanoTime();
    SliceUpdater.Outcome outcome = updater.apply(params, slot.gradient, lag, slot.readParams);
    applyTimer.record(System.nanoTime() - t0);
    boolean applied = outcome.applied();
    if (outcome == SliceUpdater.Outcome.DROPPED) {
      drop(push, "too_stale");
    } else if (outcome == SliceUpdater.Outcome.NON_FINITE) {
      refuseNonFiniteUpdate(push);
    }
    recordProcessed(push, lag);
    if (applied) {
      afterUpdate();
    }
    slot.release();
    gate.park(push);
    gate.releaseWithinBound(answer);
  }

  /** sync: join the current step's round, or drop a gradient that is late for a finished step. */
  private void pushSync(PendingPush push) {
    if (push.header.getReadVersion() != version()) {
      // Its step was applied without it (a backup worker's gradient, or a worker that was presumed
      // dead): drop it and hand the worker the current parameters.
      drop(push, "late_for_step");
      recordProcessed(push, version() - push.header.getReadVersion());
      push.slot.release();
      gate.release(push);
      answer(push);
      return;
    }
    gate.collect(push);
    applyFullRound();
  }

  /**
   * A gradient whose update would have made a parameter or an optimizer value non-finite: nothing was
   * changed. The worker is told as of a dropped gradient (its reply says {@code dropped}, which it
   * takes in its stride, with the unchanged slice) and the refusal is counted as {@value
   * #NON_FINITE_UPDATE}. The log names the push, for the first refusal and then at powers of two so a
   * worker that keeps sending such gradients cannot flood it.
   */
  private void refuseNonFiniteUpdate(PendingPush push) {
    drop(push, NON_FINITE_UPDATE);
    long n = rejected.get(NON_FINITE_UPDATE).get();
    if (Long.bitCount(n) == 1) {
      log.warn("shard {}: refused the gradient of worker {} step {} (read version {}): the update would make a "
              + "parameter or an optimizer value NaN or infinite; the slice is unchanged ({} refused so far)", index(),
          push.header.getWorkerId(), push.header.getWorkerStep(), push.header.getReadVersion(), n);
    }
  }

  private void drop(PendingPush push, String reason) {
    push.dropped = true;
    count(reason);
    push.slot.dropped++;
  }

  /** sync: once the round is full, averages its gradients, applies them once and answers them all. */
  private void applyFullRound() {
    List<PendingPush> round = gate.takeFullRound();
    if (round.isEmpty()) {
      return;
    }
    long t0 = System.nanoTime();
    // Sum in worker-id order, then divide: the result does not depend on arrival order.
    System.arraycopy(round.get(0).slot.gradient, 0, average, 0, average.length);
    for (int k = 1; k < round.size(); k++) {
      float[] g = round.get(k).slot.gradient;
      for (int i = 0; i < g.length; i++) {
        average[i] += g[i];
      }
    }
    if (round.size() > 1) {
      float n = round.size();
      for (int i = 0; i < average.length; i++) {
        average[i] /= n;
      }
    }
    boolean applied = updater.applyFresh(params, average, round.size()).applied();
    applyTimer.record(System.nanoTime() - t0);
    for (PendingPush p : round) {
      if (!applied) {
        refuseNonFiniteUpdate(p);
      }
      recordProcessed(p, 0);
      p.slot.release();
      rememberRead(p.slot);
    }
    if (applied) {
      // A round boundary: every shard's checkpoint at this version holds the same step, a consistent cut.
      afterUpdate();
    }
    SliceHeader header = SliceHeader.newBuilder().setVersion(version()).setLength(params.length)
        .setDropped(!applied).build();
    for (PendingPush p : round) {
      p.reply.slice(header, params);
    }
  }

  /** Records a processed gradient: its worker's clock moves on, and an applied one counts its staleness. */
  private void recordProcessed(PendingPush push, long lag) {
    WorkerSlot slot = push.slot;
    push.staleness = lag;
    push.stepLag = members.finishStep(slot, push.header.getWorkerStep());
    slot.lastStaleness = lag;
    slot.lastStepLag = push.stepLag;
    slot.lastDropped = push.dropped;
    if (!push.dropped) {
      appliedPushes++;
      slot.pushes++;
      slot.staleness.record(lag);
      stepLag.record(push.stepLag);
    }
  }

  /** Answers one push, released by the gate, with the current slice. */
  private void answer(PendingPush push) {
    rememberRead(push.slot);
    push.reply.slice(
        SliceHeader.newBuilder().setVersion(version()).setLength(params.length).setStaleness(push.staleness)
            .setStepLag(push.stepLag).setDropped(push.dropped).build(),
        params);
  }

  private void rememberRead(WorkerSlot slot) {
    if (policy.needsReadParams() && params != null) {
      if (slot.readParams == null) {
        slot.readParams = new float[params.length];
      }
      System.arraycopy(params, 0, slot.readParams, 0, params.length);
    }
  }

  /**
   * Marks the worker whose session {@code key} names as finished: it no longer counts towards any
   * barrier, and its buffers are freed. Returns the version.
   */
  public long leave(int workerId, ByteString key) throws ShardException {
    if (members.leave(members.session(workerId, key, "Leave"))) {
      barriersChanged();
    }
    return version();
  }

  /**
   * Expires the leases of silent workers and gives up on workers that never joined (see {@link
   * Membership#expireSilent}); the barriers then stop waiting for them. Runs periodically.
   */
  public void checkLeases() {
    if (members.expireSilent()) {
      barriersChanged();
    }
  }

  private void barriersChanged() {
    if (gate.collectsRounds()) {
      applyFullRound();
    } else {
      gate.releaseWithinBound(answer);
    }
  }

  /** The shard's status: layout, version, workers, staleness, rejections. */
  public StatusReply status() {
    StatusReply.Builder b =
        StatusReply.newBuilder()
            .setShardIndex(index())
            .setNumShards(config.numShards())
            .setInitialized(initialized)
            .setVersion(version())
            .setNumParams(layout == null ? 0 : layout.numParams())
            .setRangeStart(layout == null ? 0 : layout.rangeStart())
            .setRangeEnd(layout == null ? 0 : layout.rangeEnd())
            .setMode(config.mode().cliName())
            .setOptimizer(config.optimizer().describe().toString())
            .setCurrentLr(updater == null ? config.optimizer().lr() : updater.currentLr())
            .setStaleness(updater == null ? new StalenessRecorder().toProto() : updater.staleness().toProto())
            .setStepLag(stepLag.toProto())
            .setStalenessPolicy(policy.spec())
            .setApplyMicros(applyTimer.toProto())
            .setProcessCpuSeconds(ProcessCpu.seconds())
            .setEffectiveMomentum(updater == null ? config.optimizer().momentum() : updater.lastMomentum())
            .setCheckpointsWritten(checkpoints.written())
            .setCheckpointsFailed(checkpoints.failed())
            .setLastCheckpointVersion(checkpoints.lastVersion())
            .setRestoredVersion(checkpoints.restoredVersion())
            .setPushesApplied(appliedPushes)
            .setPushesDeduplicated(deduplicatedPushes)
            .setPushesRefused(refusedPushes.get());
    members.report(b);
    gate.report(b);
    for (Map.Entry<String, AtomicLong> e : rejected.entrySet()) {
      b.putRejected(e.getKey(), e.getValue().get());
    }
    return b.build();
  }

  /** Updates applied so far. */
  private long version() {
    return updater == null ? 0 : updater.version();
  }

  private ShardException notInitialized() {
    return new ShardException(Code.FAILED_PRECONDITION, Reason.NOT_INITIALIZED,
        "shard " + index() + " has no parameters yet: a worker must join and initialize it");
  }
}
