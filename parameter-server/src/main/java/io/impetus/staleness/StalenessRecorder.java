package io.impetus.staleness;

import io.impetus.proto.StalenessStats;
import java.util.Arrays;

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

  /**
   * A copy of everything recorded, for a checkpoint. The histogram is cut after its highest
   * non-empty bucket.
   */
  public Counts counts() {
    return new Counts(count, sum, max, Arrays.copyOf(histogram, highestBucket + 1));
  }

  /** A recorder holding {@code counts}, as a restored shard resumes its records. */
  public static StalenessRecorder of(Counts counts) {
    StalenessRecorder r = new StalenessRecorder();
    long[] h = counts.histogram();
    System.arraycopy(h, 0, r.histogram, 0, h.length);
    r.highestBucket = h.length - 1;
    r.count = counts.count();
    r.sum = counts.sum();
    r.max = counts.max();
    return r;
  }

  /**
   * Recorded staleness as plain values: how many, their sum and maximum, and the histogram up to its
   * highest non-empty bucket ({@link #BUCKETS} at most).
   */
  public record Counts(long count, long sum, long max, long[] histogram) {
    /** Checks what a checkpoint file could get wrong. */
    public Counts {
      if (count < 0 || sum < 0 || max < 0 || histogram.length > BUCKETS) {
        throw new IllegalArgumentException("staleness counts out of range: count " + count + ", sum " + sum
            + ", max " + max + ", " + histogram.length + " buckets (at most " + BUCKETS + ")");
      }
    }
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
