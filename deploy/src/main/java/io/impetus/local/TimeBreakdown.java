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
 * tells whether a run was limited by waiting or by the machine's cores, and per megabyte of floats
 * moved, which is what a data plane costs. On shaped links, the time the worker's link needs for a
 * step's bytes, beside the push-pull wait measured.
 */
final class TimeBreakdown {
  private TimeBreakdown() {}

  /**
   * What one worker step moves: every parameter pushed as a gradient and pulled back, at {@code
   * bytesPerValue} bytes a float on the wire, over a link of {@code linkBitsPerSecond} (0 when the
   * links are not shaped). {@code params} 0 when unknown.
   */
  record Traffic(long params, int bytesPerValue, double linkBitsPerSecond) {
    static final Traffic UNKNOWN = new Traffic(0, 4, 0);

    /** Bytes of floats one step moves, both directions. */
    double bytesPerStep() {
      return 2.0 * params * bytesPerValue;
    }
  }

  static Map<String, Object> of(Path metricsCsv, List<StatusReply> status, List<JsonNode> workerReports)
      throws IOException {
    return of(metricsCsv, status, workerReports, Traffic.UNKNOWN);
  }

  static Map<String, Object> of(Path metricsCsv, List<StatusReply> status, List<JsonNode> workerReports,
      Traffic traffic) throws IOException {
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
    Map<String, Object> cpu = cpuPerStep(c.length, status, workerReports);
    out.put("cpu_ms_per_step", cpu);
    out.put("cpu_ms_per_mb", cpuPerMegabyte(cpu, traffic));
    if (traffic.linkBitsPerSecond() > 0 && traffic.params() > 0) {
      out.put("link", link(traffic, at(sorted(w), 0.5)));
    }
    return out;
  }

  /**
   * The CPU per step divided by the megabytes (10^6 bytes) of floats a step moves: the cost of the
   * data plane per byte, comparable across model sizes. Null entries where the CPU is unknown.
   */
  static Map<String, Object> cpuPerMegabyte(Map<String, Object> cpuPerStep, Traffic traffic) {
    double mbPerStep = traffic.bytesPerStep() / 1e6;
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("workers", perMegabyte(cpuPerStep.get("workers"), mbPerStep));
    m.put("shards", perMegabyte(cpuPerStep.get("shards"), mbPerStep));
    m.put("mb_per_step", mbPerStep);
    m.put("bytes_per_value", traffic.bytesPerValue());
    m.put("note", "cpu_ms_per_step over the megabytes of floats a worker step pushes and pulls;"
        + " includes the compute, so compare runs of one model");
    return m;
  }

  private static Object perMegabyte(Object cpuMsPerStep, double mbPerStep) {
    return cpuMsPerStep instanceof Double ms && mbPerStep > 0 ? ms / mbPerStep : null;
  }

  /**
   * The worker's link against the measured wait: a push must cross it one way and the fresh
   * parameters the other, one after the other (the shard updates in between), so the link's time
   * for a push-pull is twice the one-way time of the bytes. Protocol overhead and latency come on
   * top; a ratio near 1 means the wire is the limit.
   */
  static Map<String, Object> link(Traffic traffic, double waitP50Ms) {
    double oneWayMs = traffic.params() * traffic.bytesPerValue() * 8.0 / traffic.linkBitsPerSecond() * 1000;
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("bits_per_second", traffic.linkBitsPerSecond());
    m.put("one_way_ms", oneWayMs);
    m.put("push_and_pull_ms", 2 * oneWayMs);
    m.put("push_pull_wait_over_push_and_pull", waitP50Ms / (2 * oneWayMs));
    m.put("note", "a worker's link: its pushes go out and its pulls come back over it whatever the shard count");
    return m;
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

  private static double[] sorted(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted;
  }

  private static Map<String, Object> percentiles(double[] values) {
    double[] sorted = sorted(values);
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
