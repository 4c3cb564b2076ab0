package io.impetus.local;

import io.impetus.csv.CsvTable;
import io.impetus.train.StalenessTrace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The run folder's {@code staleness.csv}: every update a shard applied in the run, one row each, with
 * the header {@code shard,worker,version,staleness,worker_step}, sorted by shard, then version, then
 * worker. It merges the workers' {@link StalenessTrace} files ({@code workers/worker-R-staleness.csv}).
 *
 * <p>Within a shard the rows are in the order its updates were applied, so the file replays as it
 * is: {@code impetus study simulate --delay trace:staleness.csv@shard=N} reads the column
 * {@code staleness} of shard N's rows in file order. In async and ssp runs every version of a shard
 * has one row; a sync step's gradients share their step's version, one row per worker.
 *
 * <p>A worker that was killed leaves the rows it had written, and a torn last line, which is left
 * out; a worker that never started leaves no file. Updates a shard applied from a push whose reply
 * the worker never saw (it died, or another shard refused the same push) have no row.
 */
final class StalenessCsv {
  /** The file's name in the run folder. */
  static final String FILE = "staleness.csv";
  /** The merged file's columns. */
  static final List<String> HEADER = List.of("shard", "worker", "version", "staleness", "worker_step");

  private StalenessCsv() {}

  /** Where worker {@code rank} of the run in {@code runDir} records its updates. */
  static Path workerFile(Path runDir, int rank) {
    return RunLayout.workerStaleness(runDir, rank);
  }

  /**
   * Merges the files of workers 0 to {@code workers - 1} of {@code runDir} into its
   * {@value #FILE}, sorted; returns the number of rows written.
   */
  static long merge(Path runDir, int workers) throws IOException {
    List<Update> updates = new ArrayList<>();
    for (int r = 0; r < workers; r++) {
      Path file = workerFile(runDir, r);
      if (Files.exists(file)) {
        read(file, r, updates);
      }
    }
    updates.sort(Comparator.comparingInt(Update::shard).thenComparingLong(Update::version)
        .thenComparingInt(Update::worker));
    CsvTable.write(runDir.resolve(FILE), HEADER, updates.stream().map(Update::fields).toList());
    return updates.size();
  }

  private static void read(Path file, int worker, List<Update> into) throws IOException {
    CsvTable table = CsvTable.readDroppingTornTail(file);
    if (table.header().isEmpty()) {
      return; // killed before it wrote its header
    }
    int shard = table.column("shard");
    int version = table.column("version");
    int staleness = table.column("staleness");
    int step = table.column("worker_step");
    for (CsvTable.Row row : table.rows()) {
      into.add(new Update(Math.toIntExact(row.integer(shard)), worker, row.integer(version), row.integer(staleness),
          row.integer(step)));
    }
  }

  /** One applied update. */
  private record Update(int shard, int worker, long version, long staleness, long workerStep) {
    List<Object> fields() {
      return List.of(shard, worker, version, staleness, workerStep);
    }
  }
}
