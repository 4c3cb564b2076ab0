package io.impetus.study.delay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Staleness drawn from a measured histogram ({@code histogram:FILE}): counts indexed by staleness, as
 * a real run's {@code summary.json} stores them under {@code staleness.histogram}. Replays the
 * delays a real cluster produced, without its timing noise.
 */
public final class HistogramDelay implements DelayScheduler {
  private final long[] cumulative;
  private final long total;
  private final String spec;

  /** From counts indexed by staleness; at least one count must be positive. */
  public HistogramDelay(long[] counts, String spec) {
    int last = -1;
    for (int i = 0; i < counts.length; i++) {
      if (counts[i] < 0) {
        throw new IllegalArgumentException("histogram count " + i + " is negative");
      }
      if (counts[i] > 0) {
        last = i;
      }
    }
    if (last < 0) {
      throw new IllegalArgumentException("histogram has no positive count");
    }
    this.cumulative = new long[last + 1];
    long sum = 0;
    for (int i = 0; i <= last; i++) {
      sum += counts[i];
      cumulative[i] = sum;
    }
    this.total = sum;
    this.spec = spec;
  }

  /** Reads {@code staleness.histogram} from a run's summary.json (or a bare JSON array of counts). */
  public static HistogramDelay read(Path file) throws IOException {
    JsonNode root = new ObjectMapper().readTree(file.toFile());
    JsonNode hist = root.isArray() ? root : root.path("staleness").path("histogram");
    if (!hist.isArray()) {
      throw new IllegalArgumentException(file + " has no staleness.histogram array");
    }
    long[] counts = new long[hist.size()];
    for (int i = 0; i < counts.length; i++) {
      counts[i] = hist.get(i).asLong();
    }
    return new HistogramDelay(counts, "histogram:" + file);
  }

  @Override
  public int next(SplittableRandom rng) {
    long r = rng.nextLong(total); // the r-th gradient in staleness order
    int i = Arrays.binarySearch(cumulative, r + 1);
    return i >= 0 ? i : -i - 1;
  }

  @Override
  public int maxDelay() {
    return cumulative.length - 1;
  }

  @Override
  public double mean() {
    double s = 0;
    long prev = 0;
    for (int i = 0; i < cumulative.length; i++) {
      s += (double) i * (cumulative[i] - prev);
      prev = cumulative[i];
    }
    return s / total;
  }

  @Override
  public String spec() {
    return spec;
  }
}
