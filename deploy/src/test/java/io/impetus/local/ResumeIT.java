package io.impetus.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.impetus.csv.CsvTable;
import io.impetus.shard.checkpoint.CheckpointStore;
import io.impetus.shard.checkpoint.ShardSnapshot;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code impetus local --resume RUN_DIR} for real. A run stopped after its checkpoint at version 10
 * (its later checkpoints gone, its workers' metrics holding rows of steps past 10 that were never
 * checkpointed) is continued: the shards restore version 10, every worker continues its data order at
 * step 10, and in sync mode the run ends with parameters and Adam state identical, bit for bit, to the
 * uninterrupted run's; metrics.csv holds every planned step once.
 */
class ResumeIT {
  @TempDir Path tmp;

  /** 2 shards, 2 workers, sync, Adam with a cosine schedule, fixed seed: a deterministic run of 30 steps. */
  private static final List<String> SYNC_RUN = List.of("local", "--model", "mlp-x2", "--mode", "sync",
      "--workers", "2", "--shards", "2", "--steps", "30", "--batch-size", "16", "--seed", "7",
      "--optimizer", "adam", "--lr", "0.01", "--lr-schedule", "cosine", "--checkpoint-interval", "10",
      "--keep-checkpoints", "5", "--no-progress");

  private void impetus(String logName, List<String> args) throws Exception {
    Path log = tmp.resolve(logName + ".log");
    int code = LocalRunIT.impetus(log, args.toArray(String[]::new));
    assertEquals(0, code, Files.readString(log, StandardCharsets.UTF_8));
  }

  private ShardSnapshot finalCheckpoint(Path run, int s) throws Exception {
    return new CheckpointStore(run.resolve("checkpoints/shard-" + s), s, 5).latest().orElseThrow();
  }

  @Test
  void aSyncRunStoppedAfterACheckpointAndResumedEndsBitForBitAsTheUninterruptedRun() throws Exception {
    Path plain = tmp.resolve("plain");
    List<String> args = new ArrayList<>(SYNC_RUN);
    args.addAll(List.of("--out", plain.toString()));
    impetus("plain", args);

    // The stopped run: the plain run's folder with only checkpoint 10 left, as a run that crashed after
    // it leaves it (its workers' metrics hold rows of later steps; its command.txt names the plain
    // folder as --out: --resume continues in the folder it is given).
    Path stopped = tmp.resolve("stopped");
    copyTree(plain, stopped);
    // (Checkpoint 10, the first, is always written; a later one may be coalesced into the next.)
    for (int s = 0; s < 2; s++) {
      try (Stream<Path> files = Files.list(stopped.resolve("checkpoints/shard-" + s))) {
        for (Path f : files.toList()) {
          if (ResumePoint.versionOf(f.getFileName().toString()) > 10) {
            Files.delete(f);
          }
        }
      }
      assertTrue(Files.exists(stopped.resolve("checkpoints/shard-" + s + "/checkpoint-000000000010.json")));
    }
    Files.delete(stopped.resolve("summary.json"));
    Files.delete(stopped.resolve("metrics.csv"));

    impetus("resumed", List.of("local", "--resume", stopped.toString(), "--no-progress"));

    JsonNode summary = new ObjectMapper().readTree(stopped.resolve("summary.json").toFile());
    assertEquals("completed", summary.get("status").asText(), summary.toString());
    assertEquals(10, summary.get("resumed_from").get("version").asLong());
    assertTrue(summary.get("resumed_from").get("at").asText().contains("T"), summary.toString());
    List<String> command = Files.readAllLines(stopped.resolve("command.txt"));
    assertEquals(2, command.size(), command.toString());
    assertTrue(command.get(1).startsWith("# resumed from checkpoint version 10 at "), command.get(1));

    for (int s = 0; s < 2; s++) {
      ShardSnapshot expected = finalCheckpoint(plain, s);
      ShardSnapshot actual = finalCheckpoint(stopped, s);
      assertEquals(30, actual.version(), "shard " + s);
      assertEquals(expected.schedulePosition(), actual.schedulePosition(), "shard " + s);
      ShardCrashIT.assertBitsEqual(expected.params(), actual.params(), "shard " + s + " parameters");
      for (Map.Entry<String, float[]> b : expected.buffers().entrySet()) {
        ShardCrashIT.assertBitsEqual(b.getValue(), actual.buffers().get(b.getKey()), "shard " + s + " " + b.getKey());
      }
    }

    CsvTable metrics = CsvTable.read(stopped.resolve("metrics.csv"));
    List<String> steps = new ArrayList<>();
    for (CsvTable.Row row : metrics.rows()) {
      steps.add(row.integer(metrics.column("worker")) + ":" + row.integer(metrics.column("step")));
    }
    List<String> planned = new ArrayList<>();
    for (int r = 0; r < 2; r++) {
      for (int step = 0; step < 30; step++) {
        planned.add(r + ":" + step);
      }
    }
    assertEquals(planned, steps.stream().sorted((a, b) -> compareWorkerStep(a, b)).toList());
  }

  private static int compareWorkerStep(String a, String b) {
    String[] x = a.split(":");
    String[] y = b.split(":");
    int byWorker = Integer.compare(Integer.parseInt(x[0]), Integer.parseInt(y[0]));
    return byWorker != 0 ? byWorker : Integer.compare(Integer.parseInt(x[1]), Integer.parseInt(y[1]));
  }

  /** Copies the folder {@code from}, with everything in it, to {@code to}. */
  static void copyTree(Path from, Path to) throws Exception {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path p : paths.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }
}
