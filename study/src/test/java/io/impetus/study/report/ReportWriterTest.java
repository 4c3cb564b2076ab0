package io.impetus.study.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.impetus.csv.CsvTable.MalformedCsvException;
import io.impetus.study.sweep.SweepOutput;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report's table of results.csv, read with quoted fields, empty and malformed files. */
class ReportWriterTest {
  @TempDir Path dir;

  private String report(String resultsCsv) throws Exception {
    Files.writeString(dir.resolve("summary.json"), "{\"kind\": \"sweep\"}");
    Files.writeString(dir.resolve("results.csv"), resultsCsv);
    return Files.readString(ReportWriter.write(dir));
  }

  @Test
  void aQuotedDelayWithACommaStaysOneField() throws Exception {
    String md = report(SweepOutput.CSV_HEADER + "\n"
        + "sgd,0.1,0.9,standard,\"histogram:a,b.json\",,none,1,100,0,0.01,40,0.005,0.006,no,0\n"
        + "sgd,0.1,0.9,standard,\"histogram:a,b.json\",,none,2,100,0,0.01,,Infinity,Infinity,yes,0\n");
    assertTrue(md.contains("| sgd | 0.1 | histogram:a,b.json | 0.9 | none | 2 | 1 | — | inf | 1 |\n"), md);
  }

  @Test
  void anEmptyResultsFileGivesAnEmptyTable() throws Exception {
    String md = report("");
    assertTrue(md.contains("| optimizer | lr | delay | momentum | policy | seeds | reached | median steps to target | final loss | diverged |\n"
        + "|---|---|---|---|---|---|---|---|---|---|\n\n"), md);
  }

  @Test
  void aMalformedRowNamesTheFileAndLine() throws Exception {
    MalformedCsvException e = assertThrows(MalformedCsvException.class, () -> report(SweepOutput.CSV_HEADER + "\n"
        + "sgd,0.1,0.9,standard,fixed:1,,none,1,100,0,0.01,40,0.005,0.006,no,0\n"
        + "sgd,0.1,0.9\n"));
    assertEquals(dir.resolve("results.csv"), e.file());
    assertEquals(3, e.line());
    assertTrue(e.getMessage().startsWith(dir.resolve("results.csv") + " line 3: has 3 fields where the header has 16"), e.getMessage());
  }
}
