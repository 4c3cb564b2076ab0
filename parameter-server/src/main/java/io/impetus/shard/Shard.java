package io.impetus.shard;

import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.stub.ServerCallStreamObserver;
import io.impetus.optim.Optimizer;
import io.impetus.optim.OptimizerState;
import io.impetus.optim.Optimizers;
import io.impetus.proto.JoinReply;
import io.impetus.proto.JoinRequest;
import io.impetus.proto.Layout;
import io.impetus.proto.SliceChunk;
import io.impetus.proto.StatusReply;
import io.impetus.proto.WorkerStatus;
import io.impetus.staleness.StalenessRecorder;
import io.impetus.wire.ShardPlan;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One shard's state and the operations on it: its slice of the parameters, the optimizer state for
 * that slice, the version (number of updates applied), the joined workers and the staleness of
 * everything applied.
 *
 * <p>Threading: every method except {@link #worker}, {@link #sliceLength} and {@link #countRejected}
 * must run on the shard's {@link UpdateLoop}. Those three are safe from any thread; they let gRPC
 * threads validate a push before handing it over.
 */
final class Shard {
  private static final Logger log = LoggerFactory.getLogger(Shard.class);

  private final ServerConfig config;
  private final Optimizer optimizer;
  private final ConcurrentMap<Integer, WorkerSlot> workers = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, AtomicLong> rejected = new ConcurrentHashMap<>();
  private final StalenessRecorder staleness = new StalenessRecorder();
  private final SliceSender sender = new SliceSender();
  /** Sync mode: the gradients of the current step, by worker id (so averaging order is fixed). */
  private final TreeMap<Integer, PendingPush> round = new TreeMap<>();

  private volatile int sliceLength = -1;
  private long numParams = -1;
  private long fingerprint;
  private String model = "";
  private long rangeStart;
  private long rangeEnd;
  private float[] params;
  private float[] average;
  private OptimizerState state;
  private boolean initialized;
  private long version;
  private int left;

  Shard(ServerConfig config) {
    this.config = config;
    this.optimizer = Optimizers.create(config.optimizer());
  }

  /** The joined worker with this id, or null. Safe from any thread. */
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
    Layout layout = request.getLayout();
    checkLayout(layout);
    WorkerSlot previous = workers.get(id);
    if (previous == null || previous.state == WorkerSlot.State.LEFT) {
      if (previous != null) {
        left--;
      }
      workers.put(id, new WorkerSlot(id, sliceLength));
      log.info("shard {}: worker {} joined ({} of {})", index(), id, liveWorkers(), config.workers());
    }
    return JoinReply.newBuilder()
        .setInitialized(initialized)
        .setVersion(version)
        .setRangeStart(rangeStart)
        .setRangeEnd(rangeEnd)
        .setMode(config.mode().cliName())
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
      ShardPlan plan;
      try {
        plan = new ShardPlan(layout.getNumParams(), layout.getNumShards());
      } catch (IllegalArgumentException e) {
        throw Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asException();
      }
      numParams = layout.getNumParams();
      fingerprint = layout.getFingerprint();
      model = layout.getModel();
      rangeStart = plan.start(index());
      rangeEnd = plan.end(index());
      params = new float[plan.length(index())];
      average = new float[params.length];
      state = optimizer.newState(params.length);
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
  void pull(ServerCallStreamObserver<SliceChunk> reply) throws StatusException {
    requireInitialized();
    sender.send(params, version, 0, reply);
  }

  /** Applies (async) or collects (sync) a received gradient; answers its call when applied. */
  void push(PendingPush push) {
    try {
      requireInitialized();
      if (push.slot().state == WorkerSlot.State.LEFT) {
        throw Status.FAILED_PRECONDITION
            .withDescription("worker " + push.slot().workerId + " has left shard " + index() + "; join again")
            .asException();
      }
      long readVersion = push.header().getReadVersion();
      if (readVersion > version || readVersion < 0) {
        throw Status.INVALID_ARGUMENT
            .withDescription(
                "gradient computed from version " + readVersion + " but shard " + index() + " is at version " + version)
            .asException();
      }
      if (config.mode() == ConsistencyMode.SYNC) {
        if (readVersion != version) {
          throw Status.FAILED_PRECONDITION
              .withDescription(
                  "sync step is at version " + version + "; worker " + push.slot().workerId
                      + " pushed a gradient computed from version " + readVersion)
              .asException();
        }
        round.put(push.slot().workerId, push);
        completeRoundIfReady();
      } else {
        long lag = version - readVersion;
        optimizer.step(params, push.slot().gradient, state, currentLr());
        version++;
        recordApplied(push, lag);
        push.slot().release();
        sender.send(params, version, lag, push.reply());
      }
    } catch (StatusException e) {
      countRejected(e.getStatus().getCode().name().toLowerCase());
      push.slot().release();
      fail(push.reply(), e);
    }
  }

  /** Marks a worker as finished: it no longer counts towards the sync barrier. */
  long leave(int workerId) throws StatusException {
    WorkerSlot slot = workers.get(workerId);
    if (slot == null) {
      throw Status.NOT_FOUND.withDescription("worker " + workerId + " has not joined shard " + index()).asException();
    }
    if (slot.state != WorkerSlot.State.LEFT) {
      slot.state = WorkerSlot.State.LEFT;
      left++;
      log.info("shard {}: worker {} left after {} pushes ({} still live)", index(), workerId, slot.pushes, liveWorkers());
      completeRoundIfReady();
    }
    return version;
  }

  StatusReply status() {
    StatusReply.Builder b =
        StatusReply.newBuilder()
            .setShardIndex(index())
            .setNumShards(config.numShards())
            .setInitialized(initialized)
            .setVersion(version)
            .setNumParams(Math.max(0, numParams))
            .setRangeStart(rangeStart)
            .setRangeEnd(rangeEnd)
            .setMode(config.mode().cliName())
            .setOptimizer(config.optimizer().describe().toString())
            .setCurrentLr(currentLr())
            .setStaleness(staleness.toProto())
            .setExpectedWorkers(config.workers());
    for (WorkerSlot slot : new TreeMap<>(workers).values()) {
      b.addWorkers(
          WorkerStatus.newBuilder()
              .setWorkerId(slot.workerId)
              .setState(slot.state.name())
              .setPushes(slot.pushes)
              .setLastStep(slot.lastStep)
              .setStaleness(slot.staleness.toProto()));
    }
    for (Map.Entry<String, AtomicLong> e : rejected.entrySet()) {
      b.putRejected(e.getKey(), e.getValue().get());
    }
    return b.build();
  }

  private void completeRoundIfReady() {
    if (round.isEmpty() || round.size() < liveWorkers() + pendingFromLeft()) {
      return;
    }
    // Sum in worker-id order, then divide: the result does not depend on arrival order.
    List<ServerCallStreamObserver<SliceChunk>> replies = new ArrayList<>(round.size());
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
    optimizer.step(params, average, state, currentLr());
    version++;
    for (PendingPush p : round.values()) {
      recordApplied(p, 0);
      p.slot().release();
      replies.add(p.reply());
    }
    round.clear();
    sender.send(params, version, 0, replies);
  }

  /** Workers that left with a gradient still in the round (they count towards it once). */
  private int pendingFromLeft() {
    int n = 0;
    for (PendingPush p : round.values()) {
      if (p.slot().state == WorkerSlot.State.LEFT) {
        n++;
      }
    }
    return n;
  }

  private int liveWorkers() {
    return config.workers() - left;
  }

  private void recordApplied(PendingPush push, long lag) {
    WorkerSlot slot = push.slot();
    slot.pushes++;
    slot.lastStep = push.header().getWorkerStep();
    slot.lastLoss = push.header().getLoss();
    slot.staleness.record(lag);
    staleness.record(lag);
  }

  private double currentLr() {
    return config.optimizer().schedule().lrAt(config.optimizer().lr(), version);
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
