package io.impetus.cli;

import io.impetus.local.ShardStatusFile;
import io.impetus.proto.StatusReply;
import io.impetus.shard.ShardServer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a shard's {@link ShardStatusFile} current ({@code impetus server --run-dir}): every
 * {@link #PERIOD_SECONDS} seconds from a thread of its own (never the update thread: it reads the
 * status snapshot the update thread publishes), and once more, marked final, as the shard stops. A
 * write that fails is logged and the shard goes on: the status file is a record, not a duty.
 */
final class ShardStatusWriter implements AutoCloseable {
  /** How often the file is rewritten while the shard runs. */
  static final long PERIOD_SECONDS = 10;

  private static final Logger log = LoggerFactory.getLogger(ShardStatusWriter.class);

  private final Path file;
  private final ShardServer server;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "shard-status-file");
    t.setDaemon(true);
    return t;
  });
  /** Set by the final write: no periodic write may replace it. Guarded by this. */
  private boolean finished;

  private ShardStatusWriter(Path file, ShardServer server) {
    this.file = file;
    this.server = server;
  }

  /** Starts writing {@code server}'s status to {@code file}; null {@code file}: writes nothing. */
  static ShardStatusWriter start(Path file, ShardServer server) {
    ShardStatusWriter w = new ShardStatusWriter(file, server);
    if (file != null) {
      w.timer.scheduleWithFixedDelay(() -> w.write(false, ShardStatusFile.RUNNING), 0, PERIOD_SECONDS,
          TimeUnit.SECONDS);
    }
    return w;
  }

  /** Writes the final status, after the server has stopped, with the reason it stopped. */
  void finish(String reason) {
    timer.shutdownNow();
    write(true, reason);
  }

  /** Synchronized so that a periodic write never lands after (over) the final one; it holds no shard lock. */
  private synchronized void write(boolean last, String reason) {
    StatusReply status = server.snapshot();
    if (file == null || finished || status == null) {
      return;
    }
    finished = last;
    try {
      ShardStatusFile.write(file, server.config(), status, last, reason);
    } catch (IOException | RuntimeException e) {
      log.warn("cannot write the status file {}: {}", file, e.toString());
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
