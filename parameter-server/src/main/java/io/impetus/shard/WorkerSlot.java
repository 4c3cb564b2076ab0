package io.impetus.shard;

import com.google.protobuf.ByteString;
import io.impetus.staleness.StalenessRecorder;
import java.security.MessageDigest;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A worker as one shard sees it: its gradient buffer (one push in flight at a time, so one buffer
 * suffices and is reused every step), its lease, its clock and its records.
 *
 * <p>Ownership of the buffer: {@link Shard#claim} hands it to the transport thread that receives a
 * push, which fills {@link #gradient()} and then either hands the push to {@link Shard#push} (which
 * gives the buffer back once the gradient is applied or refused) or gives it back itself with {@link
 * #release()}. Everything else is touched only by the shard's update loop.
 *
 * <p>A slot is one session of the worker: the join that created it issued its {@link #key}, which
 * every later call for the worker must carry. A worker that joins again after leaving or expiring gets
 * a new slot (and key). A slot whose worker departed ({@link #depart}) gives up its buffers: the
 * gradient buffer as soon as no push holds it, the delay-compensation copy and the parked reply at once.
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

  /** The gradient buffer of a departed worker: nothing, so a departed slot holds no memory. */
  private static final float[] FREED = new float[0];

  final int workerId;
  /** The session's secret, issued by the join that created this slot. */
  private final byte[] key;
  /** The gradient buffer; {@link #FREED} once the worker departed and no push holds it. */
  volatile float[] gradient;
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

  WorkerSlot(int workerId, int sliceLength, long nowNanos, byte[] key) {
    this.workerId = workerId;
    this.gradient = new float[sliceLength];
    this.lastSeenNanos = nowNanos;
    this.key = key.clone();
  }

  /** Whether {@code presented} is this session's key; compared in constant time. Safe from any thread. */
  boolean holds(ByteString presented) {
    return MessageDigest.isEqual(key, presented.toByteArray());
  }

  /** This session's key, for the join reply that issues it. */
  ByteString key() {
    return ByteString.copyFrom(key);
  }

  /**
   * The worker left or its lease expired ({@code to}): it stops counting, its parked reply is let go,
   * and its buffers are freed (the gradient buffer once the push holding it, if any, gives it back).
   */
  void depart(State to) {
    state = to;
    waiting = null;
    readParams = null;
    freeIfIdle();
  }

  /** Frees the gradient buffer of a departed worker unless a push holds it (that push frees it on release). */
  private void freeIfIdle() {
    if (busy.compareAndSet(false, true)) {
      gradient = FREED;
      busy.set(false);
    }
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

  /** Gives the buffer back once the push has been applied or refused (freeing it if the worker departed meanwhile). */
  public void release() {
    busy.set(false);
    if (!isLive()) {
      freeIfIdle();
    }
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
