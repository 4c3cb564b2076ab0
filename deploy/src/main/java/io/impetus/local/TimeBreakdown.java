package io.impetus.local;

import com.fasterxml.jackson.databind.JsonNode;
import io.impetus.csv.CsvTable;
import io.impetus.proto.LatencyStats;
import io.impetus.proto.StatusReply;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a step's time goes: the worker's compute (forward/backward and any injected delay) and its
 * wait for the push-pull replies, from every step in metrics.csv, and the shards' time to apply an
 * update, from their status. Medians and 99th percentiles, in milliseconds. And the CPU the
 * processes used per training step (workers during training; shards over their whole life), which
 * tells whether a run was limited by waiting or by the machine's cores.
 */
final class TimeBreakdown {
  private TimeBreakdown() {}

  static Map<String, Object> of(Path metricsCsv, List<StatusReply> status, List<JsonNode> workerReports)
      throws IOException {
    CsvTable table = CsvTable.read(metricsCsv);
    List<CsvTable.Row> rows = table.rows();
    double[] c = new double[rows.size()];
    double[] w = new double[rows.size()];
    if (!rows.isEmpty()) {
      int compute = table.column("compute_ms");
      int wait = table.column("wait_ms");
      for (int i = 0; i < rows.size(); i++) {
        c[i] = rows.get(i).number(compute);
        w[i] = rows.get(i).number(wait);
      }
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
    out.put("cpu_ms_per_step", cpuPerStep(c.length, status, workerReports));
    return out;
  }

  static Map<String, Object> cpuPerStep(int steps, List<StatusReply> status, List<JsonNode> workerReports) {
    // Workers hosted in one JVM each report that JVM's CPU over their own training: count each
    // process once, with its longest report (the windows overlap).
    Map<Long, Double> byProcess = new HashMap<>();
    double workers = 0;
    for (JsonNode r : workerReports) {
      if (r == null || !r.path("cpu_seconds").isNumber()) {
        workers = Double.NaN;
      } else if (r.path("process_id").isNumber()) {
        byProcess.merge(r.get("process_id").asLong(), r.get("cpu_seconds").asDouble(), Math::max);
      } else {
        workers += r.get("cpu_seconds").asDouble();
      }
    }
    for (double cpu : byProcess.values()) {
      workers += cpu;
    }
    double shards = 0;
    for (StatusReply s : status) {
      shards += s.getProcessCpuSeconds();
    }
    Map<String, Object> cpu = new LinkedHashMap<>();
    cpu.put("workers", steps == 0 || !Double.isFinite(workers) ? null : workers * 1000 / steps);
    cpu.put("shards", steps == 0 || !Double.isFinite(shards) ? null : shards * 1000 / steps);
    cpu.put("cores", Runtime.getRuntime().availableProcessors());
    cpu.put("note", "process CPU time (all threads) per step, summed over worker processes and over shards; shards include start-up");
    return cpu;
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
