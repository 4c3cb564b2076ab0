package io.impetus.local;

import io.impetus.proto.LatencyStats;
import io.impetus.proto.StatusReply;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a step's time goes: the worker's compute (forward/backward and any injected delay) and its
 * wait for the push-pull replies, from every step in metrics.csv, and the shards' time to apply an
 * update, from their status. Medians and 99th percentiles, in milliseconds.
 */
final class TimeBreakdown {
  private TimeBreakdown() {}

  static Map<String, Object> of(Path metricsCsv, List<StatusReply> status) throws IOException {
    List<String> lines = Files.readAllLines(metricsCsv);
    List<String> header = Arrays.asList(lines.get(0).split(","));
    int compute = header.indexOf("compute_ms");
    int wait = header.indexOf("wait_ms");
    double[] c = new double[lines.size() - 1];
    double[] w = new double[lines.size() - 1];
    for (int i = 1; i < lines.size(); i++) {
      String[] f = lines.get(i).split(",");
      c[i - 1] = Double.parseDouble(f[compute]);
      w[i - 1] = Double.parseDouble(f[wait]);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("steps_measured", c.length);
    out.put("worker_compute_ms", percentiles(c));
    out.put("push_pull_wait_ms", percentiles(w));
    double applyP50 = 0;
    double applyP99 = 0;
    for (StatusReply s : status) {
      LatencyStats a = s.getApplyMicros();
      applyP50 = Math.max(applyP50, a.getP50() / 1000);
      applyP99 = Math.max(applyP99, a.getP99() / 1000);
    }
    Map<String, Object> apply = new LinkedHashMap<>();
    apply.put("p50", applyP50);
    apply.put("p99", applyP99);
    apply.put("note", "slowest shard");
    out.put("server_apply_ms", apply);
    return out;
  }

  private static Map<String, Object> percentiles(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("p50", at(sorted, 0.5));
    m.put("p99", at(sorted, 0.99));
    return m;
  }

  private static double at(double[] sorted, double q) {
    if (sorted.length == 0) {
      return 0;
    }
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
  }
}
