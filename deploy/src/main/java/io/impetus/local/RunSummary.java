package io.impetus.local;

import com.fasterxml.jackson.databind.JsonNode;
import io.impetus.json.FiniteJson;
import io.impetus.proto.StatusReply;
import io.impetus.proto.WorkerStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The figures of a finished run, as written to summary.json and printed at the end (by {@code impetus
 * local} and {@code impetus summarize} alike, through {@link RunSummarizer}).
 */
final class RunSummary {
  private final Map<String, Object> json;

  private RunSummary(Map<String, Object> json) {
    this.json = json;
  }

  Map<String, Object> json() {
    return json;
  }

  /**
   * @param settings what the run was set up to do
   * @param status every shard's final status
   * @param reports the workers' report files (null entries for workers that wrote none)
   * @param trainLossNote why the train loss is not finite, should it not be
   */
  static RunSummary build(RunSettings settings, List<StatusReply> status, List<JsonNode> reports, double trainLoss,
      String trainLossNote, long launchMillis, long endMillis, int failedWorkers) {
    long steps = 0;
    long samples = 0;
    double steadyRate = 0;
    long firstStart = Long.MAX_VALUE;
    long lastEnd = 0;
    List<Integer> failed = new ArrayList<>();
    Map<String, Integer> dataPlanes = new TreeMap<>();
    for (int r = 0; r < reports.size(); r++) {
      JsonNode report = reports.get(r);
      if (report == null) {
        failed.add(r);
        continue;
      }
      for (JsonNode plane : report.path("data_plane")) {
        dataPlanes.merge(plane.asText(), 1, Integer::sum);
      }
      steps += report.get("steps").asLong();
      samples += report.get("samples").asLong();
      // Workers train at the same time, so their steady rates add up; one without a rate leaves none.
      steadyRate += report.path("steady_samples_per_second").isNumber()
          ? report.get("steady_samples_per_second").asDouble() : Double.NaN;
      firstStart = Math.min(firstStart, report.get("start_millis").asLong());
      lastEnd = Math.max(lastEnd, report.get("end_millis").asLong());
    }
    double wall = lastEnd > firstStart ? (lastEnd - firstStart) / 1000.0 : 0;

    StalenessSummary all = new StalenessSummary();
    StalenessSummary lag = new StalenessSummary();
    long maxLead = 0;
    long parked = 0;
    Map<String, Long> rejectedTotal = new TreeMap<>();
    Map<String, String> workerStates = new TreeMap<>();
    Map<Integer, StalenessSummary> perWorker = new TreeMap<>();
    List<Map<String, Object>> shards = new ArrayList<>();
    for (StatusReply s : status) {
      all.add(s.getStaleness());
      lag.add(s.getStepLag());
      maxLead = Math.max(maxLead, s.getMaxReplyLead());
      parked += s.getParkedReplies();
      s.getRejectedMap().forEach((k, v) -> rejectedTotal.merge(k, v, Long::sum));
      for (WorkerStatus w : s.getWorkersList()) {
        perWorker.computeIfAbsent(w.getWorkerId(), k -> new StalenessSummary()).add(w.getStaleness());
        // A worker counts as lost if any shard saw it expire or never join.
        if (!w.getState().equals("JOINED") && !w.getState().equals("LEFT")) {
          workerStates.put(Integer.toString(w.getWorkerId()), w.getState());
        } else {
          workerStates.putIfAbsent(Integer.toString(w.getWorkerId()), w.getState());
        }
      }
      Map<String, Object> shard = new LinkedHashMap<>();
      shard.put("shard", s.getShardIndex());
      shard.put("range", List.of(s.getRangeStart(), s.getRangeEnd()));
      shard.put("updates_applied", s.getVersion());
      shard.put("staleness_mean", new StalenessSummary().add(s.getStaleness()).mean());
      shard.put("staleness_max", s.getStaleness().getMax());
      shard.put("rejected", new TreeMap<>(s.getRejectedMap()));
      shard.put("max_reply_lead", s.getMaxReplyLead());
      shard.put("parked_replies", s.getParkedReplies());
      shard.put("effective_momentum", s.getEffectiveMomentum());
      shards.add(shard);
    }
    Map<String, Object> staleness = all.toMap();
    Map<String, Object> byWorker = new LinkedHashMap<>();
    perWorker.forEach((w, st) -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("mean", st.mean());
      m.put("max", st.max());
      byWorker.put(Integer.toString(w), m);
    });
    staleness.put("per_worker", byWorker);
    Map<String, Object> stepLag = lag.toMap();

    Map<String, Object> j = new LinkedHashMap<>();
    JsonNode shard = settings.shard();
    j.put("model", settings.model());
    if (settings.model().equals("mlp")) {
      // impetus export needs the widths to name and shape the layers.
      j.put("hidden", settings.hidden());
    }
    j.put("mode", settings.mode());
    Map<String, Object> consistency = new LinkedHashMap<>();
    consistency.put("backup_workers", shard.path("backup_workers").asInt());
    if (shard.has("staleness_bound")) {
      consistency.put("staleness_bound", shard.get("staleness_bound").asLong());
    }
    consistency.put("worker_timeout_seconds", shard.path("worker_timeout_seconds").asDouble());
    consistency.put("staleness_policy", shard.path("staleness_policy").asText());
    consistency.put("max_reply_lead", maxLead);
    consistency.put("parked_replies", parked);
    j.put("consistency", consistency);
    j.put("workers", settings.workers());
    // The JVMs the workers ran in: N with a process each, fewer when --worker-processes hosted several.
    j.put("worker_processes", settings.workerProcesses());
    j.put("shards", settings.shards());
    // Worker-shard pairs by how the pushes travelled: shm-doorbell, shm-stream, grpc or grpc-bf16.
    j.put("data_plane", dataPlanes);
    j.put("optimizer", settings.optimizer());
    if (settings.checkpoints() != null) {
      // Where the shards' checkpoints are; each also writes one when it stops (for impetus local: after this summary).
      j.put("checkpoints", settings.checkpoints());
    }
    j.put("batch_size", settings.batchSize());
    j.put("seed", settings.seed());
    j.put("steps", steps);
    j.put("samples", samples);
    j.put("wall_seconds", wall);
    j.put("samples_per_second", wall > 0 ? samples / wall : 0.0);
    if (failed.isEmpty()) {
      FiniteJson.put(j, "steady_samples_per_second", steadyRate, "a worker's run was too short to measure its steady rate");
    } else {
      FiniteJson.put(j, "steady_samples_per_second", Double.NaN, "lost workers wrote no report, so the rates do not add up");
    }
    j.put("total_seconds", (endMillis - launchMillis) / 1000.0);
    FiniteJson.put(j, "train_loss", trainLoss, trainLossNote);
    j.put("staleness", staleness);
    j.put("step_lag", stepLag);
    j.put("rejected", rejectedTotal);
    j.put("worker_states", workerStates);
    j.put("per_shard", shards);
    j.put("lost_workers", failed);
    j.put("status", failedWorkers == 0 ? "completed"
        : failedWorkers < settings.workers() ? "completed_with_lost_workers" : "failed");
    return new RunSummary(j);
  }

  /** A few lines for the terminal. */
  String describe() {
    @SuppressWarnings("unchecked")
    Map<String, Object> st = (Map<String, Object>) json.get("staleness");
    return String.format(Locale.ROOT,
        "%s: %d steps, %.1f s, %.0f samples/s, train loss %s, staleness mean %.3f max %s p99 %s%n",
        json.get("status"), (Long) json.get("steps"), (Double) json.get("wall_seconds"),
        (Double) json.get("samples_per_second"),
        json.get("train_loss") == null ? "NaN" : String.format(Locale.ROOT, "%.6g", (Double) json.get("train_loss")),
        (Double) st.get("mean"), st.get("max"), st.get("p99"));
  }
}
