package io.impetus.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A smoke test of impetus bench with tiny settings (a benchmark is not a test: this only checks it runs),
 * and its scaleout-report sub-command.
 */
class BenchCommandTest {

  private static int run(ByteArrayOutputStream out, String... args) {
    PrintStream stdout = System.out;
    PrintStream stderr = System.err;
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(out, true, StandardCharsets.UTF_8));
      return new Impetus().run(args, Map.of());
    } finally {
      System.setOut(stdout);
      System.setErr(stderr);
    }
  }

  @Test
  void printsEveryBenchmarkWithItsBaselineAndRatio() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertEquals(0, run(out, "bench", "--sizes", "1000", "--rounds", "1", "--round-millis", "1"));
    String table = out.toString(StandardCharsets.UTF_8);
    for (String row : new String[] {"sgd-momentum step P=1000", "adam step P=1000", "FloatCodec.wrap (encode) P=1000",
        "FloatCodec.decode P=1000", "relu forward by masks n=16384", "relu backward by masks n=16384",
        "gRPC push-pull P=1000"}) {
      assertTrue(table.lines().anyMatch(l -> l.startsWith(row) && l.matches(".*\\d+\\.\\d\\dx$")), row + " in\n" + table);
    }
  }

  @Test
  void theBf16CaseComparesTheBf16PushPullWithTheFloat32One() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertEquals(0, run(out, "bench", "--only", "bf16", "--sizes", "1000", "--rounds", "1", "--round-millis", "1"));
    String table = out.toString(StandardCharsets.UTF_8);
    assertTrue(table.lines().anyMatch(l -> l.startsWith("gRPC push-pull bf16 P=1000") && l.contains("gRPC push-pull fp32")
        && l.matches(".*\\d+\\.\\d\\dx$")), table);
  }

  @Test
  void aWrongKindIsAUsageError() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertEquals(2, run(out, "bench", "--only", "everything"));
    assertTrue(out.toString(StandardCharsets.UTF_8).contains("--only"));
  }

  @Test
  void scaleoutReportWritesTheTableAndThePlotOfAScaleoutCsv(@TempDir Path dir) throws IOException {
    Path csv = dir.resolve("results.csv");
    Files.writeString(csv, "link_rate,system,shards,workers,samples_per_second,run_dir\n"
        + "1gbit,impetus,1,2,1234,runs/a\n1gbit,pytorch,1,2,987,runs/b\n");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertEquals(0, run(out, "bench", "scaleout-report", csv.toString(), dir.resolve("report").toString()),
        out.toString(StandardCharsets.UTF_8));
    assertTrue(Files.readString(dir.resolve("report.md")).contains("| 2 | 1,234 | 987 |"));
    assertTrue(Files.size(dir.resolve("report.png")) > 0);
  }

  @Test
  void scaleoutReportNamesWhatIsWrongWithItsArgumentsOrItsCsv(@TempDir Path dir) throws IOException {
    ByteArrayOutputStream missing = new ByteArrayOutputStream();
    assertEquals(2, run(missing, "bench", "scaleout-report", "results.csv"));
    assertTrue(missing.toString(StandardCharsets.UTF_8).contains("scaleout-report needs two arguments, CSV and OUT_PREFIX, got 1"));

    Path csv = dir.resolve("results.csv");
    Files.writeString(csv, "link_rate,system,shards,workers,samples_per_second,run_dir\n1gbit,impetus,two,2,1234,runs/a\n");
    ByteArrayOutputStream bad = new ByteArrayOutputStream();
    assertEquals(1, run(bad, "bench", "scaleout-report", csv.toString(), dir.resolve("report").toString()));
    assertTrue(bad.toString(StandardCharsets.UTF_8).contains("results.csv line 2: field 3 is not an integer: 'two'"),
        bad.toString(StandardCharsets.UTF_8));
  }
}
