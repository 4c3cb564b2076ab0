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

/**
 * {@code impetus compare}: rows of runs whose settings differ only in their seed, and with {@code
 * --throughput} one row per run folder, with its command and time breakdown.
 */
class CompareCommandTest {
  @TempDir Path tmp;

  private String compare(String... args) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream stdout = System.out;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      String[] all = new String[args.length + 1];
      all[0] = "compare";
      System.arraycopy(args, 0, all, 1, args.length);
      assertEquals(0, new Impetus().run(all, Map.of()));
    } finally {
      System.setOut(stdout);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void runsWithBf16OnTheWireAreNotGroupedWithFloat32Runs() throws Exception {
    String settings = """
        "model": "mlp", "workers": 4, "mode": "async", "consistency": {"staleness_policy": "none"},
        "optimizer": {"name": "sgd", "lr": 0.01, "momentum": 0.8}, "samples_per_second": 1000,
        "staleness": {"mean": 2, "p99": 7, "max": 9}""";
    for (String[] run : new String[][] {{"fp32-a", "grpc", "0.5"}, {"fp32-b", "grpc", "0.7"}, {"bf16", "grpc-bf16", "0.4"}}) {
      Path dir = Files.createDirectories(tmp.resolve(run[0]));
      Files.writeString(dir.resolve("summary.json"),
          "{" + settings + ", \"data_plane\": {\"" + run[1] + "\": 8}, \"train_loss\": " + run[2] + "}");
    }
    String table = compare(tmp.resolve("fp32-a").toString(), tmp.resolve("fp32-b").toString(),
        tmp.resolve("bf16").toString());
    assertTrue(table.contains("| mlp, 4 workers, async, sgd lr 0.01 momentum 0.8 | 2 | 0.6000 [0.5000, 0.7000] |"), table);
    assertTrue(table.contains("| mlp, 4 workers, async, sgd lr 0.01 momentum 0.8, bf16 wire | 1 | 0.4000 |"), table);
  }

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

    String table = compare("--throughput", run.toString(), missing.toString());
    assertTrue(table.contains("| mlp-n1 | `./impetus local --model mlp --overlap` | 23457 | 25000 | 0.8712 | 0.81 | 0.42 | 0.091 | 1.50 + 1.25 |"),
        table);
    assertTrue(table.contains("| crashed | (no summary.json) |"), table);
  }
}
