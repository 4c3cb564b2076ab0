package io.impetus.shard.checkpoint;

import java.io.IOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a shard's checkpoints on a thread of its own, so that the update loop only pays for copying
 * its state into a {@link ShardSnapshot}. One write at a time; a snapshot submitted while another is
 * being written waits as the one pending snapshot, and a newer one replaces it (coalescing: when the
 * disk is slower than the interval, the newest state is what gets written, and memory holds at most
 * two snapshots). Counts written and failed checkpoints and remembers the last version written.
 *
 * <p>{@link #submit} is safe from any thread and never blocks on I/O; no lock is held while writing.
 */
public final class CheckpointWriter implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CheckpointWriter.class);
  private static final long CLOSE_WAIT_SECONDS = 60;

  /** Where snapshots go (a {@link CheckpointStore}, or a stand-in in tests). */
  @FunctionalInterface
  public interface Sink {
    /** Writes one snapshot durably, or throws. */
    void write(ShardSnapshot snapshot) throws IOException;
  }

  private final int shardIndex;
  private final Sink sink;
  private final ExecutorService thread;
  private final AtomicLong written = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong coalesced = new AtomicLong();
  private volatile long lastVersion = -1;
  /** The snapshot waiting to be written, or null. Guarded by this. */
  private ShardSnapshot pending;
  /** Whether the writer thread is draining. Guarded by this. */
  private boolean draining;

  /** A writer of shard {@code shardIndex}'s snapshots into {@code sink}. */
  public CheckpointWriter(int shardIndex, Sink sink) {
    this.shardIndex = shardIndex;
    this.sink = sink;
    this.thread = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "shard-" + shardIndex + "-checkpoint");
      t.setDaemon(true);
      return t;
    });
  }

  /** Hands {@code snapshot} to the writer thread, replacing a pending one that has not started. */
  public synchronized void submit(ShardSnapshot snapshot) {
    if (pending != null) {
      coalesced.incrementAndGet();
      log.info("shard {}: checkpoint at version {} skipped: the one at version {} replaces it while another is written",
          shardIndex, pending.version(), snapshot.version());
    }
    pending = snapshot;
    if (!draining) {
      draining = true;
      thread.execute(this::drain);
    }
  }

  private void drain() {
    while (true) {
      ShardSnapshot next;
      synchronized (this) {
        next = pending;
        pending = null;
        if (next == null) {
          draining = false;
          notifyAll();
          return;
        }
      }
      writeOne(next);
    }
  }

  private void writeOne(ShardSnapshot snapshot) {
    long t0 = System.nanoTime();
    try {
      sink.write(snapshot);
      lastVersion = snapshot.version();
      written.incrementAndGet();
      log.info("shard {}: checkpoint at version {} written in {} ms", shardIndex, snapshot.version(),
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    } catch (IOException | RuntimeException e) {
      failed.incrementAndGet();
      log.warn("shard {}: checkpoint at version {} failed: {}", shardIndex, snapshot.version(), e.toString());
    }
  }

  /** Checkpoints written so far. */
  public long written() {
    return written.get();
  }

  /** Checkpoints whose write failed. */
  public long failed() {
    return failed.get();
  }

  /** Snapshots replaced by a newer one before they were written. */
  public long coalesced() {
    return coalesced.get();
  }

  /** The version of the newest checkpoint written, or -1. */
  public long lastVersion() {
    return lastVersion;
  }

  /** Waits until every submitted snapshot is written (or has failed), then stops the thread. */
  @Override
  public void close() {
    try {
      synchronized (this) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CLOSE_WAIT_SECONDS);
        while (draining && System.nanoTime() < deadline) {
          wait(TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()) + 1);
        }
        if (draining) {
          log.warn("shard {}: a checkpoint is still being written after {} s; stopping without it", shardIndex,
              CLOSE_WAIT_SECONDS);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    thread.shutdown();
  }
}
