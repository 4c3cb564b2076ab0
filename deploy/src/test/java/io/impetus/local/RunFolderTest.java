package io.impetus.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.impetus.csv.CsvTable.MalformedCsvException;
import io.impetus.train.StepRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** metrics.csv: merged from the workers' files, then read for the accuracy per epoch and the time breakdown. */
class RunFolderTest {
  @TempDir Path dir;

  private static String row(double time, int worker, int step, String testLoss, String testAccuracy) {
    return new StepRecord((long) (time * 1000), worker, step, 0, 0.5 + step, 1, 0, false, 32, 1_500_000, 250_000,
        testLoss.isEmpty() ? Double.NaN : Double.parseDouble(testLoss),
        testAccuracy.isEmpty() ? Double.NaN : Double.parseDouble(testAccuracy)).csvRow();
  }

  private void worker(int rank, String text) throws Exception {
    Files.createDirectories(dir.resolve("workers"));
    Files.writeString(dir.resolve("workers/worker-" + rank + ".csv"), text);
  }

  @Test
  void mergeOrdersByTimeKeepsEveryLineByteForByteAndDropsATornLastRow() throws Exception {
    String h = StepRecord.CSV_HEADER + "\n";
    String a0 = row(1.0, 0, 0, "", "");
    String a1 = row(3.0, 0, 1, "2.5", "0.75");
    String b0 = row(2.0, 1, 0, "", "");
    worker(0, h + a0 + "\n" + a1 + "\n");
    worker(1, h + b0 + "\n" + row(4.0, 1, 1, "", "").substring(0, 9)); // killed mid-row
    new RunFolder(dir).mergeMetrics(3); // worker 2 left no file
    assertEquals(h + a0 + "\n" + b0 + "\n" + a1 + "\n", Files.readString(dir.resolve("metrics.csv")));

    List<Map<String, Object>> acc = new RunFolder(dir).accuracyByEpoch();
    assertEquals(1, acc.size());
    assertEquals(Map.of("epoch", 1, "worker_step", 1L, "test_loss", 2.5, "test_accuracy", 0.75), acc.get(0));
    Map<String, Object> breakdown = TimeBreakdown.of(dir.resolve("metrics.csv"), List.of(), List.of());
    assertEquals(3, breakdown.get("steps_measured"));
    assertEquals(Map.of("p50", 1.5, "p99", 1.5), breakdown.get("worker_compute_ms"));
  }

  @Test
  void aResumedRunKeepsTheRowsOfTheStepsBeforeItsStartAndMergesThemBeforeTheNewOnes() throws Exception {
    String h = StepRecord.CSV_HEADER + "\n";
    String a0 = row(1.0, 0, 0, "", "");
    String a1 = row(2.0, 0, 1, "", "");
    String b0 = row(1.5, 1, 0, "", "");
    worker(0, h + a0 + "\n" + a1 + "\n" + row(3.0, 0, 2, "", "") + "\n"); // step 2 is taken again
    worker(1, h + b0 + "\n" + row(2.5, 1, 1, "", "").substring(0, 9)); // killed mid-row
    new RunFolder(dir).keepMetricsBefore(List.of(2L, 1L));
    assertTrue(Files.notExists(dir.resolve("workers/worker-0.csv")));

    String again = row(5.0, 0, 2, "", "");
    worker(0, h + again + "\n");
    new RunFolder(dir).mergeMetrics(2);
    assertEquals(h + a0 + "\n" + b0 + "\n" + a1 + "\n" + again + "\n", Files.readString(dir.resolve("metrics.csv")));
  }

  @Test
  void thePlannedCommandIsCommandTxtsFirstLineAndARunFolderWithoutOneIsRefused() throws Exception {
    new RunFolder(dir).writeCommand(List.of("local", "--model", "mlp", "--out", "runs/a b"));
    new RunFolder(dir).recordResume(200, "2026-01-01T00:00:00Z");
    assertEquals(List.of("local", "--model", "mlp", "--out", "runs/a b"), RunFolder.plannedCommand(dir));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> RunFolder.plannedCommand(dir.resolve("none")));
    assertEquals("--resume: " + dir.resolve("none") + " is not a run folder (it has no command.txt)", e.getMessage());
  }

  @Test
  void noWorkerFilesGiveAHeaderOnlyMetricsFileThatReadsAsNoRows() throws Exception {
    new RunFolder(dir).mergeMetrics(2);
    assertEquals(StepRecord.CSV_HEADER + "\n", Files.readString(dir.resolve("metrics.csv")));
    assertTrue(new RunFolder(dir).accuracyByEpoch().isEmpty());
    assertEquals(0, TimeBreakdown.of(dir.resolve("metrics.csv"), List.of(), List.of()).get("steps_measured"));
  }

  @Test
  void anEmptyMetricsFileHasNoRows() throws Exception {
    Files.writeString(dir.resolve("metrics.csv"), "");
    assertTrue(new RunFolder(dir).accuracyByEpoch().isEmpty());
    assertEquals(0, TimeBreakdown.of(dir.resolve("metrics.csv"), List.of(), List.of()).get("steps_measured"));
  }

  @Test
  void aMalformedRowIsAnErrorNamingTheFileAndLine() throws Exception {
    Path metrics = dir.resolve("metrics.csv");
    Files.writeString(metrics, StepRecord.CSV_HEADER + "\n" + row(1.0, 0, 0, "", "") + "\n1.000,0,1\n");
    MalformedCsvException e = assertThrows(MalformedCsvException.class, () -> new RunFolder(dir).accuracyByEpoch());
    assertEquals(metrics + " line 3: has 3 fields where the header has 13 (" + StepRecord.CSV_HEADER + ")", e.getMessage());
    assertThrows(MalformedCsvException.class, () -> TimeBreakdown.of(metrics, List.of(), List.of()));

    Files.writeString(metrics, StepRecord.CSV_HEADER + "\n" + row(1.0, 0, 0, "", "").replace("1.500", "fast") + "\n");
    e = assertThrows(MalformedCsvException.class, () -> TimeBreakdown.of(metrics, List.of(), List.of()));
    assertEquals(metrics + " line 2: field 10 is not a number: 'fast'", e.getMessage());
  }

  @Test
  void aWorkerFileBrokenBeforeItsLastLineIsAnError() throws Exception {
    worker(0, StepRecord.CSV_HEADER + "\n1.000,0\n" + row(2.0, 0, 1, "", "") + "\n");
    MalformedCsvException e = assertThrows(MalformedCsvException.class, () -> new RunFolder(dir).mergeMetrics(1));
    assertEquals(dir.resolve("workers/worker-0.csv"), e.file());
    assertEquals(2, e.line());
  }
}
