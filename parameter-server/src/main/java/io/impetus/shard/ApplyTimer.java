package io.impetus.shard;

import io.impetus.proto.LatencyStats;
import org.HdrHistogram.Histogram;

/**
 * How long a shard's update thread spends applying each update (policy, optimizer, bookkeeping),
 * as an HdrHistogram of microseconds. Single-threaded: the update loop records and reads it.
 */
final class ApplyTimer {
  private final Histogram micros = new Histogram(3_600_000_000L, 2);

  /** Records one update that took {@code nanos}. */
  void record(long nanos) {
    micros.recordValue(Math.max(0, Math.min(nanos / 1000, micros.getHighestTrackableValue())));
  }

  LatencyStats toProto() {
    if (micros.getTotalCount() == 0) {
      return LatencyStats.getDefaultInstance();
    }
    return LatencyStats.newBuilder()
        .setCount(micros.getTotalCount())
        .setP50(micros.getValueAtPercentile(50))
        .setP99(micros.getValueAtPercentile(99))
        .setMax(micros.getMaxValue())
        .setMean(micros.getMean())
        .build();
  }
}
