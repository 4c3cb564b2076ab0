package io.impetus.study.delay;

import io.impetus.csv.CsvTable;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * Replays a recorded sequence of staleness values in order ({@code trace:FILE}, or
 * {@code trace:FILE@shard=N}): gradient t of the simulation gets the t-th recorded staleness. Unlike
 * {@link HistogramDelay} it keeps what the order of a real run carries, e.g. a slow worker's
 * gradients arriving staler in bursts.
 *
 * <p>The file is a CSV with a header line naming at least the column {@code staleness}; a real run
 * writes {@code staleness.csv} with {@code shard,worker,version,staleness,worker_step}, one row per
 * applied update, sorted by shard and version. Only the rows of one
 * shard are replayed (shard 0 unless the spec says {@code @shard=N}), in file order; a file without a
 * {@code shard} column is replayed whole (and then {@code @shard=N} is an error). Other columns are
 * ignored. A simulation longer than the trace wraps around to its first row.
 *
 * <p>Keeps a position, so each run parses its own scheduler from the spec (as the simulator does);
 * it draws nothing from the random generator, so every seed sees the same delays.
 */
public final class TraceDelay implements DelayScheduler {
  private static final String MODEL = "delay trace";
  private final int[] trace;
  private final int max;
  private final double mean;
  private final String spec;
  private int position;

  /** Replays {@code trace} (at least one value, none negative) in order. */
  public TraceDelay(int[] trace, String spec) {
    if (trace.length == 0) {
      throw new IllegalArgumentException("a delay trace needs at least one staleness");
    }
    int m = 0;
    double s = 0;
    for (int v : trace) {
      if (v < 0) {
        throw new IllegalArgumentException("a delay trace cannot hold negative staleness " + v);
      }
      m = Math.max(m, v);
      s += v;
    }
    this.trace = trace.clone();
    this.max = m;
    this.mean = s / trace.length;
    this.spec = spec;
  }

  /** Reads the staleness column of {@code file}'s rows of {@code shard}; null: shard 0, or every row without a shard column. */
  public static TraceDelay read(Path path, Integer shard) {
    DelayFile file = DelayFile.read(MODEL, path);
    int stalenessColumn = file.column("staleness", "staleness (and shard to choose a shard)");
    if (shard != null && !file.has("shard")) {
      throw file.problem("has no shard column to choose shard " + shard + " by");
    }
    int shardColumn = file.has("shard") ? file.column("shard", "shard") : -1;
    int wanted = shard == null ? 0 : shard;
    int[] values = new int[file.rows().size()];
    int n = 0;
    TreeSet<Integer> shards = new TreeSet<>();
    for (CsvTable.Row row : file.rows()) {
      int s = shardColumn < 0 ? wanted : file.value(row, shardColumn, "shard");
      int staleness = file.staleness(row, stalenessColumn);
      shards.add(s);
      if (s == wanted) {
        values[n++] = staleness;
      }
    }
    if (file.rows().isEmpty()) {
      throw file.problem("has no rows after its header: the trace is empty");
    }
    if (n == 0) {
      throw file.problem("has no rows of shard " + wanted + " (shards in the file: " + shards + "; choose one with trace:FILE@shard=N)");
    }
    return new TraceDelay(Arrays.copyOf(values, n), "trace:" + path + (shard == null ? "" : "@shard=" + shard));
  }

  /** The recorded values replayed, in order. */
  public int length() {
    return trace.length;
  }

  @Override
  public int next(SplittableRandom rng) {
    int v = trace[position];
    position = position + 1 == trace.length ? 0 : position + 1;
    return v;
  }

  @Override
  public int maxDelay() {
    return max;
  }

  @Override
  public double mean() {
    return mean;
  }

  @Override
  public String spec() {
    return spec;
  }
}
