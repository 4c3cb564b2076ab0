package io.impetus.shard;

import io.impetus.staleness.StalenessRecorder;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A worker as one shard sees it: its gradient buffer (one push in flight at a time, so one buffer
 * suffices and is reused every step), its lease, its clock and its records.
 *
 * <p>Ownership of the buffer: {@link Shard#claim} hands it to the transport thread that receives a
 * push, which fills {@link #gradient()} and then either hands the push to {@link Shard#push} (which
 * gives the buffer back once the gradient is applied or refused) or gives it back itself with {@link
 * #release()}. Everything else is touched only by the shard's update loop.
 */
public final class WorkerSlot {
  enum State {
    /** Training, counted by the barriers. */
    JOINED,
    /** Finished its steps and said so. */
    LEFT,
    /** Silent for longer than the lease: presumed dead until it joins again. */
    EXPIRED
  }

  final int workerId;
  final float[] gradient;
  final StalenessRecorder staleness = new StalenessRecorder();
  private final AtomicBoolean busy = new AtomicBoolean();
  /** Whether an Initialize call of this worker holds a buffer of initial values. */
  private final AtomicBoolean initializing = new AtomicBoolean();
  volatile State state = State.JOINED;
  volatile long lastSeenNanos;
  /** Steps processed (the next step it will push); the SSP gate compares these. */
  long clock;
  long pushes;
  long dropped;
  /** The last step processed (applied or dropped); a push of a step up to it is a repeat. */
  long lastStep = -1;
  /** What the push of {@link #lastStep} got: a repeat of it is answered the same way. */
  long lastStaleness;
  long lastStepLag;
  boolean lastDropped;
  /** The worker process's session (from its Join), which a rejoin must match to keep {@link #lastStep}. */
  long session;
  long maxLead;
  /** A push that is waiting for its sync step or its SSP gate, or null. */
  PendingPush waiting;
  /** The slice this worker last received, for delay compensation; null unless a policy needs it. */
  float[] readParams;

  WorkerSlot(int workerId, int sliceLength, long nowNanos) {
    this.workerId = workerId;
    this.gradient = new float[sliceLength];
    this.lastSeenNanos = nowNanos;
  }

  /** The worker's id. */
  public int workerId() {
    return workerId;
  }

  /** The gradient buffer, as long as the caller holds the claim on it. */
  public float[] gradient() {
    return gradient;
  }

  /** Claims the gradient buffer for one push; false if a push from this worker is already in flight. */
  boolean tryAcquire() {
    return busy.compareAndSet(false, true);
  }

  /** Gives the buffer back once the push has been applied or refused. */
  public void release() {
    busy.set(false);
  }

  /** Claims the worker's one Initialize buffer; false if another Initialize call of it holds one. */
  boolean tryStartInitializing() {
    return initializing.compareAndSet(false, true);
  }

  /** Gives the Initialize buffer back: the call that held it has ended. Safe from any thread. */
  public void endInitializing() {
    initializing.set(false);
  }

  /** Records activity: a push or a heartbeat. */
  void touch(long nowNanos) {
    lastSeenNanos = nowNanos;
  }

  boolean isLive() {
    return state == State.JOINED;
  }

  /** Whether the worker is blocked on us (a parked reply on a call it has not abandoned). */
  boolean isWaitingOnShard() {
    return waiting != null && !waiting.reply.isCancelled();
  }
}
