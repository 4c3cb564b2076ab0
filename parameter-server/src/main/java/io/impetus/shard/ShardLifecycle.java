package io.impetus.shard;

import io.impetus.proto.StatusReply;
import io.impetus.proto.WorkerStatus;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Decides when a shard process has nothing left to do, so that a Kubernetes Job of shards can
 * complete: once every one of the N workers is gone and at least one finished, or once no worker has
 * called for {@code idleTimeoutMillis}. A worker is gone when it left (finished its steps) or expired
 * (its lease ran out and it did not join again): a worker that dies instead of leaving must not keep
 * the shard running for ever. A shard whose workers all expired without any finishing is not done,
 * only idle: {@code --idle-timeout} decides about it. It only reads {@link ShardServer#snapshot} and {@link
 * ShardServer#idleNanos}, never the shard itself, and completes {@link #finished} with the reason;
 * stopping the server is the caller's business.
 */
public final class ShardLifecycle implements AutoCloseable {

  /**
   * @param exitWhenFinished finish once all N workers have left ({@code impetus local} turns this
   *     off: it pulls the final parameters after the workers are done, then stops the shards itself)
   * @param idleTimeoutMillis finish after this long without a worker call; 0 = never
   */
  public record Settings(boolean exitWhenFinished, long idleTimeoutMillis) {
    /** Validates with messages that name the flag. */
    public Settings {
      if (idleTimeoutMillis < 0) {
        throw new IllegalArgumentException("--idle-timeout must be >= 0, got " + idleTimeoutMillis + " ms");
      }
    }
  }

  private final CompletableFuture<String> finished = new CompletableFuture<>();
  private final ScheduledExecutorService timer;

  private ShardLifecycle(ShardServer server, Settings settings) {
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "shard-" + server.config().shardIndex() + "-lifecycle");
      t.setDaemon(true);
      return t;
    });
    timer.scheduleWithFixedDelay(() -> {
      String reason = finishReason(server.snapshot(), server.idleNanos(), settings);
      if (reason != null) {
        finished.complete(reason);
      }
    }, ShardServer.SNAPSHOT_PERIOD_MILLIS, ShardServer.SNAPSHOT_PERIOD_MILLIS, TimeUnit.MILLISECONDS);
  }

  /** Starts watching {@code server}. */
  public static ShardLifecycle watch(ShardServer server, Settings settings) {
    return new ShardLifecycle(server, settings);
  }

  /** Completes with a human-readable reason once the shard is done; never, if neither condition is set. */
  public CompletableFuture<String> finished() {
    return finished;
  }

  /** Why the shard is done given its status and idle time, or null while it is not. */
  static String finishReason(StatusReply status, long idleNanos, Settings settings) {
    if (status == null) {
      return null;
    }
    long left = leftWorkers(status);
    long expired = workersIn(status, "EXPIRED");
    if (settings.exitWhenFinished() && status.getExpectedWorkers() > 0 && left > 0
        && left + expired == status.getExpectedWorkers()) {
      return expired == 0 ? "all " + status.getExpectedWorkers() + " workers finished"
          : left + " of " + status.getExpectedWorkers() + " workers finished, " + expired + " expired (lease over)";
    }
    if (settings.idleTimeoutMillis() > 0 && idleNanos >= TimeUnit.MILLISECONDS.toNanos(settings.idleTimeoutMillis())) {
      return String.format(Locale.ROOT, "no worker activity for %.1f s (--idle-timeout)", settings.idleTimeoutMillis() / 1000.0);
    }
    return null;
  }

  private static long leftWorkers(StatusReply status) {
    return workersIn(status, "LEFT");
  }

  private static long workersIn(StatusReply status, String state) {
    return status.getWorkersList().stream().map(WorkerStatus::getState).filter(state::equals).count();
  }

  /** The one line a shard prints when it stops: why, and what it did. */
  public static String finalLine(StatusReply s, String reason) {
    if (s == null) {
      return "IMPETUS_FINISHED shard ?: " + reason;
    }
    double mean = s.getStaleness().getCount() == 0 ? 0 : (double) s.getStaleness().getSum() / s.getStaleness().getCount();
    return String.format(Locale.ROOT,
        "IMPETUS_FINISHED shard %d of %d: %s; version %d, %d gradients applied, staleness mean %.2f max %d, "
            + "rejected %s, workers left %d of %d",
        s.getShardIndex(), s.getNumShards(), reason, s.getVersion(), s.getStaleness().getCount(), mean,
        s.getStaleness().getMax(), s.getRejectedMap(), leftWorkers(s), s.getExpectedWorkers());
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
