package io.impetus.shard;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
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
 * <p>The queue is bounded for work that callers cause: {@link #tryExecute} and {@link #tryExecuteHere}
 * refuse a task (return false) once {@code capacity} tasks are waiting, so a flood of calls is refused
 * by the transport thread that received it (RESOURCE_EXHAUSTED) instead of growing the queue or
 * blocking that thread. The shard's own tasks ({@link #execute}, {@link #executeHere}: answers,
 * timers, shutdown) are always queued: each follows from a call that was let in.
 *
 * <p>A task that throws (any RuntimeException, or an Error such as OutOfMemoryError) is logged and
 * counted ({@link #failedTasks}), and the loop goes on with the next task; whoever submitted it answers
 * its caller (see {@code Calls}).
 *
 * <p>Every way of submitting throws {@link RejectedExecutionException} once the loop is closed.
 */
public final class UpdateLoop implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(UpdateLoop.class);

  private final int shardIndex;
  private final ScheduledThreadPoolExecutor thread;
  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  /** Whether some thread is draining the queue; the one that sets it drains. */
  private final AtomicBoolean draining = new AtomicBoolean();
  /** Tasks queued and not yet taken, for the bound (the queue's own size() is O(n)). */
  private final AtomicInteger queued = new AtomicInteger();
  private final LongAdder failed = new LongAdder();
  private final LongAdder refused = new LongAdder();
  private final int capacity;
  private volatile boolean closed;

  /** A loop for shard {@code shardIndex} with no bound on callers' tasks. */
  UpdateLoop(int shardIndex) {
    this(shardIndex, Integer.MAX_VALUE);
  }

  /** A loop for shard {@code shardIndex} that lets callers queue at most {@code capacity} tasks. */
  public UpdateLoop(int shardIndex, int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("the update loop's capacity must be at least 1, got " + capacity);
    }
    this.shardIndex = shardIndex;
    this.capacity = capacity;
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

  /**
   * As {@link #execute}, for work a caller causes: false (and {@code task} not queued) when {@code
   * capacity} tasks are waiting already. Never blocks.
   */
  public boolean tryExecute(Runnable task) {
    if (full()) {
      refused.increment();
      return false;
    }
    execute(task);
    return true;
  }

  /** As {@link #executeHere}, for work a caller causes: false (and {@code task} not queued) when the queue is full. */
  public boolean tryExecuteHere(Runnable task) {
    if (full()) {
      refused.increment();
      return false;
    }
    executeHere(task);
    return true;
  }

  /** Whether callers' tasks are refused now; racy by a task or two, which the bound tolerates. */
  private boolean full() {
    if (closed) {
      throw stopped();
    }
    return queued.get() >= capacity;
  }

  /** Tasks that threw so far (each was logged, and the loop went on). Safe from any thread. */
  public long failedTasks() {
    return failed.sum();
  }

  /** Callers' tasks refused because the queue was full, so far. Safe from any thread. */
  public long refusedTasks() {
    return refused.sum();
  }

  /** Tasks waiting to run now. Safe from any thread. */
  public int queuedTasks() {
    return queued.get();
  }

  /** The index of the shard whose state this loop owns. */
  public int shardIndex() {
    return shardIndex;
  }

  /** The most tasks callers may have waiting. */
  public int capacity() {
    return capacity;
  }

  private void enqueue(Runnable task) {
    if (closed) {
      throw stopped();
    }
    queued.incrementAndGet();
    tasks.add(task);
  }

  private RejectedExecutionException stopped() {
    return new RejectedExecutionException("the update loop of shard " + shardIndex + " has stopped");
  }

  /** Runs queued tasks until the queue is empty and no task slipped in after the flag was cleared. */
  private void drain() {
    do {
      Runnable task;
      while ((task = tasks.poll()) != null) {
        queued.decrementAndGet();
        try {
          task.run();
        } catch (RuntimeException | Error e) {
          // Counted, and the loop goes on: the task's submitter answers its caller (Calls.guarded).
          failed.increment();
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
