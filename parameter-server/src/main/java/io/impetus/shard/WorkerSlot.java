package io.impetus.shard;

import io.impetus.staleness.StalenessRecorder;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A joined worker as one shard sees it: its gradient buffer (one push in flight at a time, so one
 * buffer suffices and is reused every step), and its records. The buffer is written by the gRPC
 * thread that receives the push while {@link #tryAcquire} holds it, then read by the update loop;
 * the records are touched only by the update loop.
 */
final class WorkerSlot {
  enum State {
    JOINED,
    LEFT
  }

  final int workerId;
  final float[] gradient;
  final StalenessRecorder staleness = new StalenessRecorder();
  private final AtomicBoolean busy = new AtomicBoolean();
  volatile State state = State.JOINED;
  long pushes;
  long lastStep = -1;
  float lastLoss = Float.NaN;

  WorkerSlot(int workerId, int sliceLength) {
    this.workerId = workerId;
    this.gradient = new float[sliceLength];
  }

  /** Claims the gradient buffer for one push; false if a push from this worker is already in flight. */
  boolean tryAcquire() {
    return busy.compareAndSet(false, true);
  }

  /** Gives the buffer back once the push has been applied or rejected. */
  void release() {
    busy.set(false);
  }
}
