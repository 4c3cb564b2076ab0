package io.impetus.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A smoke test of impetus bench with tiny settings (a benchmark is not a test: this only checks it runs). */
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
}
