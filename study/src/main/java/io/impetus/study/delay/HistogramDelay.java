package io.impetus.study.delay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.impetus.csv.CsvTable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Staleness drawn i.i.d. from a measured histogram ({@code histogram:FILE}): P(τ = l) is the count of
 * staleness l over the total. Replays the delays a real cluster produced, without its timing noise
 * and without their order (for that, {@link TraceDelay}).
 *
 * <p>The file is a CSV with a header line naming the columns {@code staleness} and {@code count}
 * (whole numbers ≥ 0, one row per staleness, any order; staleness values without a row count 0;
 * other columns are ignored), or, when its name ends in {@code .json}, a real run's
 * {@code summary.json}, whose {@code staleness.histogram} holds the counts indexed by staleness (or a
 * bare JSON array of them).
 */
public final class HistogramDelay implements DelayScheduler {
  private static final String MODEL = "delay histogram";
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
      sum = Math.addExact(sum, counts[i]);
      cumulative[i] = sum;
    }
    this.total = sum;
    this.spec = spec;
  }

  /** Reads a {@code staleness,count} CSV, or a summary.json when the name ends in {@code .json}. */
  public static HistogramDelay read(Path file) {
    long[] counts = file.toString().endsWith(".json") ? readJson(file) : readCsv(file);
    if (Arrays.stream(counts).allMatch(c -> c == 0)) {
      throw new IllegalArgumentException(MODEL + " " + file + ": the histogram is empty (no staleness has a positive count)");
    }
    return new HistogramDelay(counts, "histogram:" + file);
  }

  private static long[] readCsv(Path path) {
    DelayFile file = DelayFile.read(MODEL, path);
    int stalenessColumn = file.column("staleness", "staleness,count");
    int countColumn = file.column("count", "staleness,count");
    int max = -1;
    for (CsvTable.Row row : file.rows()) {
      max = Math.max(max, file.staleness(row, stalenessColumn));
    }
    long[] counts = new long[max + 1];
    long[] lineOf = new long[max + 1];
    for (CsvTable.Row row : file.rows()) {
      int s = file.staleness(row, stalenessColumn);
      if (lineOf[s] != 0) {
        throw file.problem(row, "staleness " + s + " appears again (first on line " + lineOf[s] + ")");
      }
      lineOf[s] = row.line();
      counts[s] = file.value(row, countColumn, "count");
    }
    return counts;
  }

  private static long[] readJson(Path file) {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(file.toFile());
    } catch (IOException e) {
      throw new IllegalArgumentException(MODEL + " " + file + " cannot be read as JSON: " + e.getMessage(), e);
    }
    JsonNode hist = root != null && root.isArray() ? root : root == null ? null : root.path("staleness").path("histogram");
    if (hist == null || !hist.isArray()) {
      throw new IllegalArgumentException(MODEL + " " + file + " has no staleness.histogram array");
    }
    long[] counts = new long[hist.size()];
    for (int i = 0; i < counts.length; i++) {
      if (!hist.get(i).canConvertToLong() || !hist.get(i).isIntegralNumber() || hist.get(i).asLong() < 0) {
        throw new IllegalArgumentException(MODEL + " " + file + ": count " + i + " (" + hist.get(i) + ") is not a whole number >= 0");
      }
      counts[i] = hist.get(i).asLong();
    }
    return counts;
  }

  @Override
  public int next(SplittableRandom rng) {
    long r = rng.nextLong(total); // the r-th gradient in staleness order
    // The first staleness whose cumulative count passes r: a lower bound, since a staleness with
    // count 0 repeats its predecessor's cumulative count and must never be drawn.
    int lo = 0;
    int hi = cumulative.length - 1;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (cumulative[mid] > r) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return lo;
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
