package io.impetus.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code impetus compare --throughput}: one row per run folder, with its command and time breakdown. */
class CompareCommandTest {
  @TempDir Path tmp;

  @Test
  void theThroughputTableShowsEachRunsCommandFiguresAndCpuPerStep() throws Exception {
    Path run = Files.createDirectories(tmp.resolve("mlp-n1"));
    Files.writeString(run.resolve("command.txt"), "./impetus local --model mlp --overlap --out runs/x\n");
    Files.writeString(run.resolve("summary.json"), """
        {"samples_per_second": 23456.7, "steady_samples_per_second": 25000.2, "test_accuracy": 0.87123,
         "time_breakdown": {"worker_compute_ms": {"p50": 0.81}, "push_pull_wait_ms": {"p50": 0.42},
                            "server_apply_ms": {"p50": 0.0912},
                            "cpu_ms_per_step": {"workers": 1.5, "shards": 1.25, "cores": 2}}}
        """);
    Path missing = Files.createDirectories(tmp.resolve("crashed"));

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream stdout = System.out;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      assertEquals(0, new Impetus().run(new String[] {"compare", "--throughput", run.toString(), missing.toString()}, Map.of()));
    } finally {
      System.setOut(stdout);
    }
    String table = out.toString(StandardCharsets.UTF_8);
    assertTrue(table.contains("| mlp-n1 | `./impetus local --model mlp --overlap` | 23457 | 25000 | 0.8712 | 0.81 | 0.42 | 0.091 | 1.50 + 1.25 |"),
        table);
    assertTrue(table.contains("| crashed | (no summary.json) |"), table);
  }
}
