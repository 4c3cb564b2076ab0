package io.impetus.shard;

import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The single thread that owns a shard's state. Every read or write of parameters, optimizer state,
 * version and worker records runs here, in submission order, so none of them needs a lock; gRPC
 * threads only decode and validate, then hand over. Tasks must not block. Periodic tasks (the
 * lease check) run on the same thread.
 */
final class UpdateLoop implements AutoCloseable {
  private final ScheduledThreadPoolExecutor executor;

  UpdateLoop(int shardIndex) {
    this.executor =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "shard-" + shardIndex + "-update");
              t.setDaemon(true);
              return t;
            });
    executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    executor.setRemoveOnCancelPolicy(true);
  }

  /** Runs {@code task} on the loop after everything submitted before it. */
  void execute(Runnable task) {
    executor.execute(task);
  }

  /** Runs {@code task} on the loop every {@code periodMillis}. */
  void every(long periodMillis, Runnable task) {
    executor.scheduleWithFixedDelay(task, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
  }

  /** Finishes the tasks already submitted, then stops the thread. */
  @Override
  public void close() {
    executor.shutdown();
    try {
      if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
