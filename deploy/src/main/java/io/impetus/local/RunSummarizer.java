package io.impetus.local;

import com.fasterxml.jackson.databind.JsonNode;
import io.impetus.proto.StatusReply;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Completes a run folder from what its processes left in it and what the shards said at the end:
 * {@code summary.json}, {@code metrics.csv}, {@code staleness.csv}, {@code loss.png} and, for a
 * classifier with a test set, {@code accuracy.png}. {@code impetus local} calls it with the shards'
 * status and final parameters it asked for over gRPC; {@code impetus summarize} with the same read
 * from the shards' status files and checkpoints ({@link RunFolderFiles}).
 */
final class RunSummarizer {
  /** The train-loss note of a run whose final parameters gave no finite loss. */
  static final String DIVERGED = "the final parameters give no finite loss (training diverged)";

  private RunSummarizer() {}

  /**
   * What a summary is made of besides the workers' files.
   *
   * @param settings what the run was set up to do
   * @param status every shard's final status (those known)
   * @param evaluation the final parameters judged on the data, or null when they could not be
   * @param unevaluatedNote why {@code evaluation} is null, or {@link #DIVERGED}
   * @param launchMillis when the run started (epoch ms)
   * @param endMillis when it ended
   * @param failedWorkers workers that did not finish
   * @param extras more top-level fields, written after the figures (restarts, resumes, topology, ...)
   * @param traffic what a worker step moves, for the time breakdown
   */
  record Inputs(RunSettings settings, List<StatusReply> status, FinalEvaluation evaluation, String unevaluatedNote,
      long launchMillis, long endMillis, int failedWorkers, Map<String, Object> extras, TimeBreakdown.Traffic traffic) {}

  /** Writes the summary files of the run in {@code dir}; returns the summary (to print). */
  static RunSummary write(Path dir, Inputs in) throws IOException {
    RunFolder folder = new RunFolder(dir);
    int workers = in.settings().workers();
    List<JsonNode> workerReports = folder.workerReports(workers);
    FinalEvaluation evaluation = in.evaluation();
    RunSummary summary = RunSummary.build(in.settings(), in.status(), workerReports,
        evaluation == null ? Double.NaN : evaluation.trainLoss(), in.unevaluatedNote(), in.launchMillis(),
        in.endMillis(), in.failedWorkers());
    summary.json().putAll(in.extras());
    folder.mergeMetrics(workers);
    StalenessCsv.merge(dir, workers);
    summary.json().put("time_breakdown",
        TimeBreakdown.of(dir.resolve("metrics.csv"), in.status(), workerReports, in.traffic()));
    boolean tested = evaluation != null && evaluation.hasTest();
    if (tested) {
      summary.json().put("test_loss", evaluation.testLoss());
      summary.json().put("test_accuracy", evaluation.testAccuracy());
      summary.json().put("accuracy_by_epoch", folder.accuracyByEpoch());
    }
    folder.writeSummary(summary.json());
    folder.plotLoss(in.settings().model());
    if (tested) {
      folder.plotAccuracy(in.settings().model());
    }
    return summary;
  }
}
