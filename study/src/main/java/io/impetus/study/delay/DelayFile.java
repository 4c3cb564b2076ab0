package io.impetus.study.delay;

import io.impetus.csv.CsvTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads the CSV files of the replaying delay models ({@code histogram:FILE}, {@code trace:FILE}): a
 * header line naming the columns, then rows of whole numbers ≥ 0 in the columns a model reads.
 * Columns are found by name, so their order is free and extra columns (a timestamp, say) are
 * ignored; a last line without its line break (a run killed while writing) is left out.
 *
 * <p>Every problem is an {@link IllegalArgumentException} whose message names the model, the file
 * and, for a bad value, the line and the column.
 */
final class DelayFile {
  /** The largest staleness a file may hold. */
  static final int MAX_STALENESS = 1_000_000;
  private final String model;
  private final CsvTable table;

  private DelayFile(String model, CsvTable table) {
    this.model = model;
    this.table = table;
  }

  /** Reads {@code file} for {@code model} (e.g. "delay trace"). */
  static DelayFile read(String model, Path file) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(model + " " + file + " does not exist or is not a file");
    }
    try {
      CsvTable table = CsvTable.readDroppingTornTail(file);
      if (table.header().isEmpty()) {
        throw new IllegalArgumentException(model + " " + file + " is empty: it needs a header line naming its columns");
      }
      return new DelayFile(model, table);
    } catch (IOException e) {
      throw new IllegalArgumentException(model + " " + e.getMessage(), e);
    }
  }

  /** The file. */
  Path file() {
    return table.file();
  }

  /** Whether the header names {@code name}. */
  boolean has(String name) {
    return table.hasColumn(name);
  }

  /** The index of column {@code name}; an error naming the columns the model needs when it is missing. */
  int column(String name, String needed) {
    int i = table.header().indexOf(name);
    if (i < 0) {
      throw new IllegalArgumentException(model + " " + file() + " line 1: the header must name the columns " + needed
          + " (it has " + String.join(",", table.header()) + ")");
    }
    return i;
  }

  /** The rows after the header, in file order. */
  List<CsvTable.Row> rows() {
    return table.rows();
  }

  /** Field {@code column} (named {@code name}) of {@code row}: a whole number ≥ 0 that fits an int. */
  int value(CsvTable.Row row, int column, String name) {
    String text = row.get(column).trim();
    long v;
    try {
      v = Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw problem(row, name + " '" + text + "' is not a whole number");
    }
    if (v < 0) {
      throw problem(row, name + " " + v + " is negative");
    }
    if (v > Integer.MAX_VALUE) {
      throw problem(row, name + " " + v + " is too large (at most " + Integer.MAX_VALUE + ")");
    }
    return (int) v;
  }

  /**
   * Field {@code column} of {@code row} as a staleness: a whole number in [0, {@link #MAX_STALENESS}],
   * since the simulator keeps that many old parameter vectors.
   */
  int staleness(CsvTable.Row row, int column) {
    int v = value(row, column, "staleness");
    if (v > MAX_STALENESS) {
      throw problem(row, "staleness " + v + " is above " + MAX_STALENESS + ", the deepest history the simulator keeps");
    }
    return v;
  }

  /** An error naming the model, the file and the line of {@code row}. */
  IllegalArgumentException problem(CsvTable.Row row, String what) {
    return new IllegalArgumentException(model + " " + file() + " line " + row.line() + ": " + what);
  }

  /** An error naming the model and the file. */
  IllegalArgumentException problem(String what) {
    return new IllegalArgumentException(model + " " + file() + ": " + what);
  }
}
