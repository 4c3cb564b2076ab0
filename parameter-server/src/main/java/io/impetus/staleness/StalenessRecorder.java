package io.impetus.staleness;

import io.impetus.proto.StalenessStats;

/**
 * Counts the staleness of applied gradients: how many, their sum and maximum, and a histogram whose
 * bucket k counts gradients applied k versions after the version they were computed from (the last
 * bucket also holds everything staler). Not thread-safe: a shard records from its update thread.
 */
public final class StalenessRecorder {

  /** Histogram buckets: staleness 0..1023, the last one open-ended. */
  public static final int BUCKETS = 1024;

  private final long[] histogram = new long[BUCKETS];
  private long count;
  private long sum;
  private long max;
  private int highestBucket = -1;

  /** Records one applied gradient. */
  public void record(long staleness) {
    if (staleness < 0) {
      throw new IllegalArgumentException("staleness cannot be negative: " + staleness);
    }
    int bucket = (int) Math.min(staleness, BUCKETS - 1);
    histogram[bucket]++;
    highestBucket = Math.max(highestBucket, bucket);
    count++;
    sum += staleness;
    max = Math.max(max, staleness);
  }

  public long count() {
    return count;
  }

  public long max() {
    return max;
  }

  /** Mean staleness, 0 when nothing was recorded. */
  public double mean() {
    return count == 0 ? 0.0 : (double) sum / count;
  }

  /** The wire form; the histogram is cut after its highest non-empty bucket. */
  public StalenessStats toProto() {
    StalenessStats.Builder b = StalenessStats.newBuilder().setCount(count).setSum(sum).setMax(max);
    for (int k = 0; k <= highestBucket; k++) {
      b.addHistogram(histogram[k]);
    }
    return b.build();
  }
}
