package io.impetus.shard;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The single thread that owns a shard's state. Every read or write of parameters, optimizer state,
 * version and worker records runs here, in submission order, so none of them needs a lock; gRPC
 * threads only decode and validate, then hand over. Tasks must not block.
 */
final class UpdateLoop implements AutoCloseable {
  private final ExecutorService executor;

  UpdateLoop(int shardIndex) {
    this.executor =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "shard-" + shardIndex + "-update");
              t.setDaemon(true);
              return t;
            });
  }

  /** Runs {@code task} on the loop after everything submitted before it. */
  void execute(Runnable task) {
    executor.execute(task);
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
