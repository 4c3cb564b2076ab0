package io.impetus.csv;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;

/**
 * A CSV file with a header line, read whole (RFC 4180 through Apache Commons CSV: quoted fields may
 * hold commas, quotes and line breaks; blank lines are skipped). Every row must have as many fields
 * as the header: a row that does not, a broken quote or a number that does not parse fails with a
 * {@link MalformedCsvException} that names the file and the line. An empty file has no columns and no
 * rows.
 *
 * <p>The same format writes: {@link #line} and {@link #write} quote a field only where it needs it,
 * so rows of plain numbers and words come out exactly as {@code String.join(",", fields)}.
 */
public final class CsvTable {
  /** RFC 4180 with '\n' between records: what this project's CSV files have always used. */
  private static final CSVFormat FORMAT = CSVFormat.DEFAULT.builder().setRecordSeparator('\n').get();

  private final Path file;
  private final List<String> header;
  private final Map<String, Integer> columns;
  private final List<Row> rows;

  private CsvTable(Path file, List<String> header, List<Row> rows) {
    this.file = file;
    this.header = Collections.unmodifiableList(header);
    Map<String, Integer> index = new HashMap<>();
    for (int i = header.size() - 1; i >= 0; i--) {
      index.put(header.get(i), i);
    }
    this.columns = index;
    this.rows = Collections.unmodifiableList(rows);
  }

  /** Reads {@code file}; every row must be complete. */
  public static CsvTable read(Path file) throws IOException {
    return parse(file, Files.readString(file));
  }

  /**
   * Reads a file that a process may have been killed while writing: a last line without its line
   * break is a torn row, and is left out (a process that finished ends every row with one). Any other
   * incomplete row is an error, as in {@link #read}.
   */
  public static CsvTable readDroppingTornTail(Path file) throws IOException {
    String text = Files.readString(file);
    if (!text.isEmpty() && !text.endsWith("\n")) {
      text = text.substring(0, text.lastIndexOf('\n') + 1);
    }
    return parse(file, text);
  }

  /** Parses {@code text} as the content of {@code file} (which only names it in errors). */
  public static CsvTable parse(Path file, String text) throws MalformedCsvException {
    List<String> header = new ArrayList<>();
    List<Row> rows = new ArrayList<>();
    try (CSVParser parser = CSVParser.parse(new StringReader(text), FORMAT)) {
      long lastLine = 0;
      try {
        for (CSVRecord record : parser) {
          long line = parser.getCurrentLineNumber();
          if (header.isEmpty()) {
            header.addAll(record.toList());
          } else if (record.size() != header.size()) {
            throw new MalformedCsvException(file, line,
                "has " + record.size() + " fields where the header has " + header.size() + " (" + String.join(",", header) + ")");
          } else {
            rows.add(new Row(file, line, record.toList().toArray(new String[0])));
          }
          lastLine = line;
        }
      } catch (UncheckedIOException e) {
        // Commons CSV reports a broken quote as an unchecked CSVException whose text names the line.
        String why = e.getCause() == null ? e.getMessage() : e.getCause().getMessage();
        throw new MalformedCsvException(file, lastLine + 1, "is not valid CSV: " + why);
      }
    } catch (IOException e) {
      if (e instanceof MalformedCsvException m) {
        throw m;
      }
      throw new MalformedCsvException(file, 0, "could not be parsed: " + e.getMessage());
    }
    return new CsvTable(file, header, rows);
  }

  /** The file this table was read from. */
  public Path file() {
    return file;
  }

  /** The column names, in file order (empty for an empty file). */
  public List<String> header() {
    return header;
  }

  /** The rows after the header, in file order. */
  public List<Row> rows() {
    return rows;
  }

  /** Whether the header has column {@code name}. */
  public boolean hasColumn(String name) {
    return columns.containsKey(name);
  }

  /** The index of column {@code name}; an error naming the file if there is none. */
  public int column(String name) throws MalformedCsvException {
    Integer i = columns.get(name);
    if (i == null) {
      throw new MalformedCsvException(file, 1, "has no column " + name + " (header: " + String.join(",", header) + ")");
    }
    return i;
  }

  /** {@code fields} as one CSV line without its line break, each field quoted only where it must be. */
  public static String line(List<?> fields) {
    StringBuilder sb = new StringBuilder();
    try {
      for (int i = 0; i < fields.size(); i++) {
        Object v = fields.get(i);
        FORMAT.print(v == null ? "" : v, sb, i == 0); // writes the delimiter before every field but the first
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a StringBuilder does not throw
    }
    return sb.toString();
  }

  /** {@link #line} of {@code fields}. */
  public static String line(Object... fields) {
    return line(java.util.Arrays.asList(fields));
  }

  /** Writes {@code header} and {@code rows} to {@code file}, each record ended by '\n'. */
  public static void write(Path file, List<String> header, Iterable<? extends List<?>> rows) throws IOException {
    try (CSVPrinter out = new CSVPrinter(Files.newBufferedWriter(file), FORMAT)) {
      out.printRecord(header);
      for (List<?> row : rows) {
        out.printRecord(row);
      }
    }
  }

  /** One row: its fields and the line of the file it ends on. */
  public static final class Row {
    private final Path file;
    private final long line;
    private final String[] fields;

    Row(Path file, long line, String[] fields) {
      this.file = file;
      this.line = line;
      this.fields = fields;
    }

    /** The line of the file this row ends on (1 is the header). */
    public long line() {
      return line;
    }

    /** The fields, in column order. */
    public List<String> values() {
      return List.of(fields);
    }

    /** The field in column {@code column}. */
    public String get(int column) {
      return fields[column];
    }

    /** Field {@code column} as a double ("NaN" and "Infinity" included); an error naming the file and line if it is not one. */
    public double number(int column) throws MalformedCsvException {
      try {
        return Double.parseDouble(fields[column]);
      } catch (NumberFormatException e) {
        throw new MalformedCsvException(file, line, "field " + (column + 1) + " is not a number: '" + fields[column] + "'");
      }
    }

    /** Field {@code column} as a long; an error naming the file and line if it is not one. */
    public long integer(int column) throws MalformedCsvException {
      try {
        return Long.parseLong(fields[column]);
      } catch (NumberFormatException e) {
        throw new MalformedCsvException(file, line, "field " + (column + 1) + " is not an integer: '" + fields[column] + "'");
      }
    }
  }

  /** A CSV file that is not what its reader expects; the message names the file and the line. */
  public static final class MalformedCsvException extends IOException {
    private static final long serialVersionUID = 1L;
    private final transient Path file;
    private final long line;

    MalformedCsvException(Path file, long line, String problem) {
      super(file + (line > 0 ? " line " + line : "") + ": " + problem);
      this.file = file;
      this.line = line;
    }

    /** The file. */
    public Path file() {
      return file;
    }

    /** The line, 1-based (0 where it is not known). */
    public long line() {
      return line;
    }
  }
}
