package io.impetus.local;

import java.nio.file.Path;

/**
 * Where each process's files go in a run folder, one name for each, shared by the processes that
 * write them ({@code impetus worker --run-dir}, {@code impetus server --run-dir}, {@code impetus
 * local}) and by {@code impetus summarize}, which reads them. A local run and a cluster run whose pods
 * share a volume leave the same files under the same names:
 *
 * <pre>
 * workers/worker-R.csv            one row per logged step (impetus worker --metrics-file)
 * workers/worker-R.json           the worker's totals at the end (--report-file)
 * workers/worker-R-staleness.csv  one row per update a shard applied for it (--staleness-file)
 * workers/worker-R-settings.json  what the worker was told to train, written when it starts
 * shards/shard-I-status.json      the shard's settings and status, written while it runs and when it stops
 * checkpoints/shard-I/            the shard's checkpoints, at least its final one
 * </pre>
 */
public final class RunLayout {
  private RunLayout() {}

  /** Worker {@code rank}'s metrics file. */
  public static Path workerMetrics(Path runDir, int rank) {
    return runDir.resolve("workers/worker-" + rank + ".csv");
  }

  /** Worker {@code rank}'s report, written when it finishes training. */
  public static Path workerReport(Path runDir, int rank) {
    return runDir.resolve("workers/worker-" + rank + ".json");
  }

  /** Worker {@code rank}'s staleness trace. */
  public static Path workerStaleness(Path runDir, int rank) {
    return runDir.resolve("workers/worker-" + rank + "-staleness.csv");
  }

  /** Worker {@code rank}'s settings, written when it starts. */
  public static Path workerSettings(Path runDir, int rank) {
    return runDir.resolve("workers/worker-" + rank + "-settings.json");
  }

  /** Shard {@code index}'s status file. */
  public static Path shardStatus(Path runDir, int index) {
    return runDir.resolve("shards/shard-" + index + "-status.json");
  }

  /** The folder the shards write their checkpoints to (each in {@code shard-I} under it). */
  public static Path checkpoints(Path runDir) {
    return runDir.resolve("checkpoints");
  }
}
