package io.impetus.local;

import io.impetus.proto.StalenessStats;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Staleness statistics merged over shards (or workers): every (gradient, shard) pair that was applied
 * counts once. Percentiles are read off the merged histogram.
 */
final class StalenessSummary {
  private long count;
  private long sum;
  private long max;
  private final List<Long> histogram = new ArrayList<>();

  /** Adds one shard's (or worker's) statistics. */
  StalenessSummary add(StalenessStats stats) {
    count += stats.getCount();
    sum += stats.getSum();
    max = Math.max(max, stats.getMax());
    for (int k = 0; k < stats.getHistogramCount(); k++) {
      if (histogram.size() <= k) {
        histogram.add(0L);
      }
      histogram.set(k, histogram.get(k) + stats.getHistogram(k));
    }
    return this;
  }

  double mean() {
    return count == 0 ? 0 : (double) sum / count;
  }

  long max() {
    return max;
  }

  /** The smallest staleness s such that at least {@code q} of the gradients had staleness <= s. */
  long percentile(double q) {
    long seen = 0;
    for (int k = 0; k < histogram.size(); k++) {
      seen += histogram.get(k);
      if (seen >= Math.ceil(q * count)) {
        return k;
      }
    }
    return max;
  }

  /** The JSON object: count, mean, max, p50, p99, histogram. */
  Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("count", count);
    m.put("mean", mean());
    m.put("max", max);
    m.put("p50", percentile(0.5));
    m.put("p99", percentile(0.99));
    m.put("histogram", histogram);
    return m;
  }
}
