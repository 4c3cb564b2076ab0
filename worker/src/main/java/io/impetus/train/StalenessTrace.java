package io.impetus.train;

import io.impetus.client.PushResult;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One worker's record of every update the shards applied for it: a CSV with the header
 * {@value #CSV_HEADER}, one row per (push, shard) that the shard applied, in the order the replies
 * arrived. A slice the shard dropped (too stale, late for its sync step) changed no version and has
 * no row; a push that failed (the worker joined again) left no reply and has no row either. The
 * launcher merges the workers' files into the run folder's {@code staleness.csv}.
 *
 * <p>Rows wait in primitive arrays and are written a block at a time, so recording a step allocates
 * nothing and boxes nothing. Not thread-safe: the training thread records. Rows still in the block
 * reach the file on {@link #flush} or {@link #close}; a process killed before either loses them.
 */
public final class StalenessTrace implements Closeable {
  /** The columns of a worker's file. */
  public static final String CSV_HEADER = "shard,version,staleness,worker_step";

  /** Rows kept before they are written out. */
  static final int BLOCK = 4096;

  private final Writer out;
  private final int[] shards = new int[BLOCK];
  private final long[] versions = new long[BLOCK];
  private final long[] staleness = new long[BLOCK];
  private final long[] steps = new long[BLOCK];
  private final StringBuilder text = new StringBuilder(BLOCK * 24);
  private int rows;

  /** A trace that writes to {@code out} (which it closes), starting with the header line. */
  public StalenessTrace(Writer out) throws IOException {
    this.out = out;
    out.write(CSV_HEADER);
    out.write('\n');
  }

  /** A trace written to {@code file}, its folder created if needed. */
  public static StalenessTrace open(Path file) throws IOException {
    if (file.getParent() != null) {
      Files.createDirectories(file.getParent());
    }
    BufferedWriter writer = Files.newBufferedWriter(file);
    return new StalenessTrace(writer);
  }

  /**
   * Records the reply to the push of {@code workerStep}'s gradient, which was computed from version
   * {@code readVersions[s]} of each shard s's slice: one row per shard that applied its slice.
   */
  public void record(long[] readVersions, PushResult result, long workerStep) {
    long[] lag = result.staleness();
    boolean[] dropped = result.dropped();
    for (int s = 0; s < lag.length; s++) {
      if (dropped[s]) {
        continue;
      }
      // The version this update made is not the reply's version: a shard measures staleness as its
      // version just before applying minus the push's read_version, then applying adds one, so the
      // update made version read_version + staleness + 1 (versions count updates from 1). The reply
      // carries the version of the slice it returns, which is later when the reply waited (ssp parks
      // it until the slowest worker catches up, and other pushes are applied meanwhile). A sync
      // step's gradients are applied together as one update: they all share its version.
      add(s, readVersions[s] + lag[s] + 1, lag[s], workerStep);
    }
  }

  private void add(int shard, long version, long stale, long workerStep) {
    if (rows == BLOCK) {
      writeBlock();
    }
    shards[rows] = shard;
    versions[rows] = version;
    staleness[rows] = stale;
    steps[rows] = workerStep;
    rows++;
  }

  /** Writes the rows recorded so far and flushes the file (before a deliberate crash, say). */
  public void flush() {
    writeBlock();
    try {
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void writeBlock() {
    text.setLength(0);
    for (int i = 0; i < rows; i++) {
      text.append(shards[i]).append(',').append(versions[i]).append(',').append(staleness[i]).append(',')
          .append(steps[i]).append('\n');
    }
    rows = 0;
    try {
      out.append(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes what is left and closes the file. */
  @Override
  public void close() throws IOException {
    try {
      writeBlock();
    } finally {
      out.close();
    }
  }
}
