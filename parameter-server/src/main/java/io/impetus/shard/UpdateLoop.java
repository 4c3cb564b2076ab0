package io.impetus.shard;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The serial loop that owns a shard's state. Every read or write of parameters, optimizer state,
 * version and worker records runs as one of its tasks, in submission order and one at a time, so none
 * of them needs a lock; gRPC threads only decode and validate, then hand over. Tasks must not block.
 *
 * <p>Tasks run on the loop's own thread, except those submitted with {@link #executeHere} by a thread
 * that may spend time on them (the doorbell's readers): when the loop is idle, that thread runs the
 * queue itself instead of waking the loop's thread, which saves a thread hop per push. Either way one
 * thread at a time drains the queue, and the hand-over between drainers (an atomic flag) orders their
 * writes. Periodic tasks (the lease check, the status snapshot) run on the loop's thread.
 *
 * <p>Both ways of submitting throw {@link RejectedExecutionException} once the loop is closed.
 */
public final class UpdateLoop implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(UpdateLoop.class);

  private final int shardIndex;
  private final ScheduledThreadPoolExecutor thread;
  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  /** Whether some thread is draining the queue; the one that sets it drains. */
  private final AtomicBoolean draining = new AtomicBoolean();
  private volatile boolean closed;

  UpdateLoop(int shardIndex) {
    this.shardIndex = shardIndex;
    this.thread =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "shard-" + shardIndex + "-update");
              t.setDaemon(true);
              return t;
            });
    thread.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    thread.setRemoveOnCancelPolicy(true);
  }

  /** Runs {@code task} on the loop after everything submitted before it, on the loop's thread. */
  public void execute(Runnable task) {
    enqueue(task);
    if (draining.compareAndSet(false, true)) {
      try {
        thread.execute(this::drain);
      } catch (RejectedExecutionException e) {
        draining.set(false);
        throw e;
      }
    }
  }

  /**
   * Runs {@code task} on the loop after everything submitted before it: on this thread, together with
   * whatever is queued, if no other thread is draining, else on the thread that is.
   */
  public void executeHere(Runnable task) {
    enqueue(task);
    if (draining.compareAndSet(false, true)) {
      drain();
    }
  }

  private void enqueue(Runnable task) {
    if (closed) {
      throw new RejectedExecutionException("the update loop of shard " + shardIndex + " has stopped");
    }
    tasks.add(task);
  }

  /** Runs queued tasks until the queue is empty and no task slipped in after the flag was cleared. */
  private void drain() {
    do {
      Runnable task;
      while ((task = tasks.poll()) != null) {
        try {
          task.run();
        } catch (RuntimeException | Error e) {
          log.error("shard {}: an update-loop task failed", shardIndex, e);
        }
      }
      draining.set(false);
      synchronized (this) {
        notifyAll(); // close() may wait for the last drain
      }
    } while (!tasks.isEmpty() && draining.compareAndSet(false, true));
  }

  /** Runs {@code task} on the loop every {@code periodMillis}. */
  void every(long periodMillis, Runnable task) {
    thread.scheduleWithFixedDelay(() -> {
      try {
        executeHere(task);
      } catch (RejectedExecutionException stopped) {
        // closing: the periodic tasks end with the loop
      }
    }, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
  }

  /** Finishes the tasks already submitted (on whichever thread drains them), then stops the thread. */
  @Override
  public void close() {
    closed = true;
    try {
      synchronized (this) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        // Whoever queued a task also claimed or found a drainer, which notifies when it is done; the
        // timed wait only covers the instant between a task's queuing and that claim.
        while ((draining.get() || !tasks.isEmpty()) && System.nanoTime() < deadline) {
          wait(100);
        }
      }
      thread.shutdown();
      if (!thread.awaitTermination(10, TimeUnit.SECONDS)) {
        thread.shutdownNow();
      }
    } catch (InterruptedException e) {
      thread.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
