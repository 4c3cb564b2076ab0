package io.impetus.bench.scaleout;

import io.impetus.bench.scaleout.ScaleoutRun.TrainingSystem;
import io.impetus.csv.CsvTable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the CSV that {@code deploy/bench/scaleout.sh} writes: a header naming at least the columns of
 * {@link #COLUMNS} (in any order), then one row per run. {@code samples_per_second} may be {@code NaN}
 * (a failed run). Anything else that does not fit, a missing column, a field that is not a number, a
 * count below 1, an unknown system, fails with an {@link IOException} naming the file and the line.
 */
public final class ScaleoutCsv {
  /** The columns the script writes, in its order. */
  public static final List<String> COLUMNS =
      List.of("link_rate", "system", "shards", "workers", "samples_per_second", "run_dir");

  private ScaleoutCsv() {}

  /** The runs of {@code file}, in file order. */
  public static List<ScaleoutRun> read(Path file) throws IOException {
    CsvTable table = CsvTable.read(file);
    if (table.header().isEmpty()) {
      throw new IOException(file + ": empty, expected the header " + String.join(",", COLUMNS));
    }
    int rate = table.column("link_rate");
    int system = table.column("system");
    int shards = table.column("shards");
    int workers = table.column("workers");
    int rateColumn = table.column("samples_per_second");
    int runDir = table.column("run_dir");
    List<ScaleoutRun> runs = new ArrayList<>();
    for (CsvTable.Row row : table.rows()) {
      String linkRate = row.get(rate).trim();
      if (linkRate.isEmpty()) {
        throw problem(file, row, "link_rate is empty");
      }
      TrainingSystem trained = TrainingSystem.fromCsv(row.get(system).trim());
      if (trained == null) {
        throw problem(file, row, "system must be impetus or pytorch, got '" + row.get(system) + "'");
      }
      runs.add(new ScaleoutRun(linkRate, trained, count(file, row, shards, "shards"),
          count(file, row, workers, "workers"), row.number(rateColumn), row.get(runDir)));
    }
    return runs;
  }

  private static int count(Path file, CsvTable.Row row, int column, String name) throws IOException {
    long n = row.integer(column);
    if (n < 1 || n > Integer.MAX_VALUE) {
      throw problem(file, row, name + " must be at least 1, got " + n);
    }
    return (int) n;
  }

  private static IOException problem(Path file, CsvTable.Row row, String what) {
    return new IOException(file + " line " + row.line() + ": " + what);
  }
}
