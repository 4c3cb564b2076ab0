package io.impetus.train;

/**
 * A worker's totals at the end of training.
 *
 * @param worker rank
 * @param steps steps taken
 * @param samples examples processed
 * @param startMillis wall-clock time of the first step (epoch ms)
 * @param endMillis wall-clock time the last reply arrived (epoch ms)
 * @param finalLoss the last minibatch loss
 * @param meanStaleness mean over steps of the largest per-shard staleness
 * @param maxStaleness the largest staleness seen
 * @param dropped steps whose gradient some shard dropped
 * @param rejoins times the worker had to join again after its lease expired
 * @param steadySamplesPerSecond this worker's rate over its last 80% of steps, once the JVM has
 *     compiled the hot code (NaN for runs too short to tell)
 * @param cpuSeconds CPU time the worker's process used during training (all its threads: compute,
 *     encoding, the transport), NaN where unknown
 * @param processId the worker's process: workers that share a JVM report the same process CPU, and
 *     whoever adds up reports must count it once
 * @param dataPlanes per shard, how the pushes reached it at the end ({@code ShardedClient#dataPlanes})
 */
public record TrainingReport(
    int worker, long steps, long samples, long startMillis, long endMillis, double finalLoss, double meanStaleness,
    long maxStaleness, long dropped, long rejoins, double steadySamplesPerSecond, double cpuSeconds,
    long processId, java.util.List<String> dataPlanes) {

  public TrainingReport {
    dataPlanes = java.util.List.copyOf(dataPlanes);
  }

  /** Seconds between the first step and the last reply. */
  public double seconds() {
    return (endMillis - startMillis) / 1000.0;
  }

  /** The report as a JSON object (the worker's report file); a number that is not finite is null, with a note. */
  public String toJson() {
    String notes = (Double.isFinite(finalLoss) ? "" : ", \"final_loss_note\": \"the last minibatch loss was not finite (diverged)\"")
        + (Double.isFinite(steadySamplesPerSecond) ? ""
            : ", \"steady_samples_per_second_note\": \"too few steps after the warm-up to measure a steady rate\"")
        + (Double.isFinite(cpuSeconds) ? "" : ", \"cpu_seconds_note\": \"this JVM does not report process CPU time\"");
    return String.format(
        java.util.Locale.ROOT,
        "{\"worker\": %d, \"steps\": %d, \"samples\": %d, \"start_millis\": %d, \"end_millis\": %d, "
            + "\"final_loss\": %s, \"mean_staleness\": %.6f, \"max_staleness\": %d, \"dropped\": %d, \"rejoins\": %d, "
            + "\"steady_samples_per_second\": %s, \"cpu_seconds\": %s, \"process_id\": %d, \"data_plane\": [%s]%s}%n",
        worker, steps, samples, startMillis, endMillis, number(finalLoss),
        meanStaleness, maxStaleness, dropped, rejoins, number(steadySamplesPerSecond), number(cpuSeconds),
        processId, String.join(", ", dataPlanes.stream().map(p -> "\"" + p + "\"").toList()), notes);
  }

  /** A JSON number, null when not finite (the convention of the study's FiniteJson, which this module cannot use). */
  private static String number(double v) {
    return Double.isFinite(v) ? Double.toString(v) : "null";
  }
}
