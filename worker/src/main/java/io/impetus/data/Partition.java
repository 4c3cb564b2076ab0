package io.impetus.data;

/**
 * The examples one worker trains on: a contiguous index range [{@link #start()}, {@link #end()}) of a
 * data set of {@code datasetSize} examples cut among {@code workers} workers.
 *
 * <p>The cut is the same rule as the shard plan's: the first {@code datasetSize mod workers} ranks get
 * one example more than the others, so sizes differ by at most one and the ranges cover every index
 * exactly once. Contiguous rather than strided because the {@link Batcher} shuffles inside the
 * partition every epoch anyway, and a range is two numbers to log and check. Every worker computes
 * its own partition from the same three numbers; no coordination is needed.
 */
public record Partition(int datasetSize, int rank, int workers) {

  /** Validates the cut: rank in [0, workers), and at least one example per worker. */
  public Partition {
    if (workers < 1) {
      throw new IllegalArgumentException("number of workers must be at least 1, got " + workers);
    }
    if (rank < 0 || rank >= workers) {
      throw new IllegalArgumentException("rank " + rank + " outside [0, " + workers + ")");
    }
    if (datasetSize < workers) {
      throw new IllegalArgumentException(
          "a data set of " + datasetSize + " examples cannot be split among " + workers
              + " workers: every worker needs at least one example");
    }
  }

  /** The partition of worker {@code rank} out of {@code workers}. */
  public static Partition of(int datasetSize, int rank, int workers) {
    return new Partition(datasetSize, rank, workers);
  }

  /** First example index of this partition. */
  public int start() {
    int base = datasetSize / workers;
    int extra = datasetSize % workers;
    return rank * base + Math.min(rank, extra);
  }

  /** One past the last example index of this partition. */
  public int end() {
    return start() + size();
  }

  /** Number of examples in this partition: {@code ceil(n / workers)} or one fewer. */
  public int size() {
    return datasetSize / workers + (rank < datasetSize % workers ? 1 : 0);
  }

  /** The size of the largest partition, {@code ceil(datasetSize / workers)}, the same on every rank. */
  public int largestSize() {
    return (datasetSize + workers - 1) / workers;
  }

  /** A new array of this partition's example indices, in increasing order. */
  public int[] indices() {
    int[] indices = new int[size()];
    int start = start();
    for (int i = 0; i < indices.length; i++) {
      indices[i] = start + i;
    }
    return indices;
  }
}
