package io.impetus.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.impetus.shard.checkpoint.CheckpointStore;
import io.impetus.shard.checkpoint.ShardSnapshot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code impetus local} for real: the shaded jar, separate server and worker processes, loopback TCP. */
class LocalRunIT {
  @TempDir Path tmp;

  private static Path jar() {
    Path jar = Path.of(System.getProperty("impetus.jar", "target/impetus.jar"));
    assertTrue(Files.exists(jar), "the shaded jar must be built before the integration tests: " + jar);
    return jar;
  }

  static int impetus(Path log, String... args) throws IOException, InterruptedException {
    return impetus(java.util.Map.of(), log, args);
  }

  private static int impetus(java.util.Map<String, String> env, Path log, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Djava.awt.headless=true", "-jar",
        jar().toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(env);
    Process p = builder.start();
    if (!p.waitFor(10, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("impetus did not finish in 10 minutes; output in " + log);
    }
    return p.exitValue();
  }

  @Test
  void syncQuadraticOnTwoShardsAndTwoWorkersConvergesAndLeavesACompleteRunFolder() throws Exception {
    Path out = tmp.resolve("run");
    Path log = tmp.resolve("local.log");
    // The shards get an extra JVM option on top of their defaults (HotSpot prints its flags at start).
    int code = impetus(java.util.Map.of("IMPETUS_SHARD_EXTRA_JAVA_OPTS", "-XX:+PrintCommandLineFlags"), log, "local",
        "--model", "quadratic", "--optimizer", "sgd", "--momentum", "0.9", "--lr", "0.02",
        "--mode", "sync", "--workers", "2", "--shards", "2", "--steps", "400", "--out", out.toString(), "--no-progress",
        "--checkpoint-interval", "100");
    String output = Files.readString(log, StandardCharsets.UTF_8);
    assertEquals(0, code, output);

    for (String file : List.of("summary.json", "metrics.csv", "staleness.csv", "workers/worker-1-staleness.csv",
        "loss.png", "command.txt", "logs/server-0.log", "logs/server-1.log", "logs/worker-0.log", "logs/worker-1.log", "logs/" + ShardJit.FILE)) {
      assertTrue(Files.size(out.resolve(file)) > 0, file + " is missing or empty\n" + output);
    }
    // The shard JVMs really ran with the JIT directives (HotSpot reports loading them on stdout).
    String shardLog = Files.readString(out.resolve("logs/server-0.log"));
    assertTrue(shardLog.contains("2 compiler directives added"), shardLog);
    assertTrue(shardLog.lines().anyMatch(l -> l.contains("-XX:CompilerDirectivesFile=") && l.contains("-XX:+PrintCommandLineFlags")),
        shardLog);
    assertTrue(Files.readString(out.resolve("logs/worker-0.log")).lines().noneMatch(l -> l.contains("PrintCommandLineFlags")),
        "the workers' options are their own");
    // The run left class-data-sharing archives next to the jar for the next run (when this JDK has
    // class-data sharing at all), and no CDS noise in the logs.
    ClassArchive archives = ClassArchive.forJvm(jar().toString(), System.getProperty("java.vm.version"),
        System.getProperty("java.vm.info"));
    if (archives.enabled()) {
      for (ClassArchive.Role role : ClassArchive.Role.values()) {
        assertTrue(Files.isRegularFile(archives.path(role)), archives.path(role).toString());
      }
    }
    for (String file : List.of("logs/server-0.log", "logs/worker-0.log")) {
      assertTrue(Files.readAllLines(out.resolve(file)).stream().noneMatch(l -> l.contains("[cds")), file);
    }
    JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
    assertTrue(summary.get("train_loss").asDouble() < 1e-6, "train_loss " + summary.get("train_loss"));
    assertEquals("quadratic", summary.get("model").asText());
    assertEquals("sync", summary.get("mode").asText());
    assertEquals(2, summary.get("workers").asInt());
    assertEquals(2, summary.get("worker_processes").asInt());
    assertEquals(2, summary.get("shards").asInt());
    // On one host every worker-shard pair moves its floats through shared memory and rings the doorbell.
    assertEquals("{\"shm-doorbell\":4}", summary.get("data_plane").toString());
    assertEquals(0.9, summary.get("optimizer").get("momentum").asDouble());
    assertEquals(800, summary.get("steps").asLong());
    assertTrue(summary.get("wall_seconds").asDouble() > 0);
    assertTrue(summary.get("samples_per_second").asDouble() > 0);
    // Sync training is never stale: every applied gradient, on both shards, had staleness 0.
    JsonNode staleness = summary.get("staleness");
    assertEquals(0, staleness.get("max").asLong());
    assertEquals(1600, staleness.get("histogram").get(0).asLong());
    for (JsonNode shard : summary.get("per_shard")) {
      assertEquals(400, shard.get("updates_applied").asLong());
    }
    // Each sync step is one update per shard made of both workers' gradients: they share its version.
    List<long[]> updates = stalenessRows(out, summary);
    for (int i = 0; i < updates.size(); i++) {
      long[] u = updates.get(i);
      assertArrayEquals(new long[] {i / 800, i % 2, i % 800 / 2 + 1, 0, i % 800 / 2}, u, "row " + (i + 1));
    }

    // --checkpoint-interval without a folder: the shards checkpoint into the run folder, every 100 rounds;
    // both hold round 400, a consistent cut of the trained model with its momentum buffers.
    assertEquals(out.resolve("checkpoints").toString(), summary.get("checkpoints").get("dir").asText());
    for (int s = 0; s < 2; s++) {
      CheckpointStore store = new CheckpointStore(out.resolve("checkpoints/shard-" + s), s, 3);
      assertEquals(400L, store.completeVersions().get(0), "shard " + s);
      ShardSnapshot last = store.read(400);
      assertEquals(400, last.optimizerSteps());
      assertEquals(List.of("velocity"), List.copyOf(last.buffers().keySet()));
    }

    List<String> metrics = Files.readAllLines(out.resolve("metrics.csv"));
    assertEquals("time,worker,step,epoch,loss,staleness,step_lag,dropped,samples,compute_ms,wait_ms,test_loss,test_accuracy",
        metrics.get(0));
    assertEquals(1 + 800, metrics.size());
    byte[] png = Files.readAllBytes(out.resolve("loss.png"));
    assertEquals((byte) 0x89, png[0]);
    assertEquals('P', png[1]);
    assertTrue(Files.readString(out.resolve("command.txt")).startsWith("./impetus local --model quadratic"));

    // The processes' own files are the whole run: impetus summarize, given a copy of the folder without
    // what the launcher wrote from them, writes them again with the same figures (a cluster run's path).
    Path copy = tmp.resolve("copy");
    ResumeIT.copyTree(out, copy);
    for (String written : List.of("summary.json", "metrics.csv", "staleness.csv", "loss.png", "command.txt")) {
      Files.delete(copy.resolve(written));
    }
    assertEquals(0, impetus(tmp.resolve("summarize.log"), "summarize", copy.toString()),
        Files.readString(tmp.resolve("summarize.log")));
    JsonNode again = new ObjectMapper().readTree(copy.resolve("summary.json").toFile());
    for (String field : List.of("model", "mode", "workers", "shards", "optimizer", "steps", "samples", "wall_seconds",
        "train_loss", "staleness", "step_lag", "per_shard", "worker_states", "lost_workers", "status", "data_plane")) {
      assertEquals(summary.get(field), again.get(field), field);
    }
    assertEquals(Files.readString(out.resolve("metrics.csv")), Files.readString(copy.resolve("metrics.csv")));
    assertEquals(Files.readString(out.resolve("staleness.csv")), Files.readString(copy.resolve("staleness.csv")));
    assertTrue(Files.size(copy.resolve("loss.png")) > 0);
  }

  /**
   * The run folder's staleness.csv: its header, one row per applied update (as many as the shards
   * counted in summary.json), sorted by shard, version and worker; the rows as numbers.
   */
  private static List<long[]> stalenessRows(Path out, JsonNode summary) throws IOException {
    List<String> lines = Files.readAllLines(out.resolve("staleness.csv"));
    assertEquals("shard,worker,version,staleness,worker_step", lines.get(0));
    List<long[]> rows = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      rows.add(Arrays.stream(line.split(",")).mapToLong(Long::parseLong).toArray());
    }
    assertEquals(summary.get("staleness").get("count").asLong(), rows.size(), "one row per applied update");
    Comparator<long[]> order = Comparator.<long[]>comparingLong(r -> r[0]).thenComparingLong(r -> r[2])
        .thenComparingLong(r -> r[1]);
    for (int i = 1; i < rows.size(); i++) {
      assertTrue(order.compare(rows.get(i - 1), rows.get(i)) < 0, "sorted, at line " + (i + 2));
    }
    return rows;
  }

  @Test
  void aSyncRunGoesOnWhenAWorkerProcessDiesAndListsTheLostWorker() throws Exception {
    Path out = tmp.resolve("crash");
    Path log = tmp.resolve("crash.log");
    // Worker 1 dies abruptly after step 10 of 60; its lease (2 s) runs out and the barrier moves on.
    int code = impetus(log, "local", "--model", "mlp-x2", "--mode", "sync", "--workers", "3", "--shards", "2",
        "--epochs", "6", "--batch-size", "32", "--crash-at-step", "1:10", "--worker-timeout", "2", "--out", out.toString(),
        "--no-progress");
    String output = Files.readString(log, StandardCharsets.UTF_8);
    assertEquals(0, code, output);
    JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
    assertEquals("completed_with_lost_workers", summary.get("status").asText(), summary.toString());
    assertEquals(1, summary.get("lost_workers").size());
    assertEquals(1, summary.get("lost_workers").get(0).asInt());
    assertEquals("EXPIRED", summary.get("worker_states").get("1").asText());
    for (int survivor : new int[] {0, 2}) {
      JsonNode report = new ObjectMapper().readTree(out.resolve("workers/worker-" + survivor + ".json").toFile());
      assertEquals(6 * 11, report.get("steps").asLong(), "worker " + survivor + " finished all its steps");
    }
    // Sync stays sync: nothing applied was stale, even across the loss of a worker.
    assertEquals(0, summary.get("staleness").get("max").asLong());
    assertTrue(Double.isFinite(summary.get("train_loss").asDouble()));
  }

  @Test
  void workersCanShareAJvmAsThreadsWhileAWorkerSetToCrashDiesAloneInItsOwnProcess() throws Exception {
    Path out = tmp.resolve("hosted");
    Path log = tmp.resolve("hosted.log");
    // One worker process asked for, but worker 2 will halt its JVM after step 10: it gets a process of
    // its own, and ranks 0 and 1 run as threads of one JVM that outlives it. With a token, the shards
    // refuse every call without it, so finishing shows that both kinds of worker and the launcher send it.
    Path token = Files.writeString(tmp.resolve("token"), "0123456789abcdef0123456789abcdef\n");
    int code = impetus(log, "local", "--model", "mlp-x2", "--workers", "3", "--worker-processes", "1", "--shards", "2",
        "--epochs", "4", "--batch-size", "32", "--crash-at-step", "2:10", "--worker-timeout", "2", "--out",
        out.toString(), "--no-progress", "--token-file", token.toString());
    String output = Files.readString(log, StandardCharsets.UTF_8);
    assertEquals(0, code, output);
    assertTrue(Files.size(out.resolve("logs/workers-0-1.log")) > 0, output);
    assertTrue(Files.size(out.resolve("logs/worker-2.log")) > 0, output);
    assertTrue(Files.notExists(out.resolve("logs/worker-0.log")), output);
    assertTrue(output.contains("worker-2 exited with code 137 (crashed on purpose, --crash-at-step)"), output);
    assertFalse(Files.readString(out.resolve("logs/server-0.log")).contains("without a valid bearer token"));
    JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
    assertEquals("completed_with_lost_workers", summary.get("status").asText(), summary.toString());
    assertEquals(1, summary.get("lost_workers").size());
    assertEquals(2, summary.get("lost_workers").get(0).asInt());
    assertEquals(2, summary.get("worker_processes").asInt(), "ranks 0 and 1 in one JVM, rank 2 in another");
    long[] processes = new long[2];
    for (int survivor : new int[] {0, 1}) {
      JsonNode report = new ObjectMapper().readTree(out.resolve("workers/worker-" + survivor + ".json").toFile());
      assertEquals(4 * 11, report.get("steps").asLong(), "worker " + survivor + " finished all its steps");
      processes[survivor] = report.get("process_id").asLong();
    }
    assertEquals(processes[0], processes[1], "ranks 0 and 1 ran in one JVM");
    assertTrue(Double.isFinite(summary.get("train_loss").asDouble()));
  }

  @Test
  void anImageClassifierIsEvaluatedAfterEveryEpochAndAtTheEnd() throws Exception {
    // With --overlap as well: every gradient but each worker's first is computed while the previous
    // push is in flight, so at most two gradients (one per worker) can be applied fresh.
    Path data = io.impetus.data.TinyImageData.write(tmp.resolve("images"), 400, 100);
    Path out = tmp.resolve("images-run");
    Path log = tmp.resolve("images.log");
    int code = impetus(log, "local", "--model", "softmax", "--data-dir", data.toString(), "--workers", "2",
        "--shards", "2", "--epochs", "3", "--batch-size", "16", "--lr", "0.1", "--momentum", "0.5", "--out",
        out.toString(), "--no-progress", "--overlap");
    assertEquals(0, code, Files.readString(log, StandardCharsets.UTF_8));
    JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
    JsonNode staleness = summary.get("staleness");
    assertTrue(staleness.get("histogram").get(0).asLong() <= 2 * 2, "fresh gradients, 2 shards: " + staleness);
    assertTrue(staleness.get("count").asLong() >= 2 * 2 * 3 * 12, staleness.toString());
    // Async: every update of a shard made a version of its own, so each shard's rows number 1, 2, ...
    List<long[]> updates = stalenessRows(out, summary);
    long[] perShard = new long[2];
    for (long[] u : updates) {
      assertEquals(++perShard[(int) u[0]], u[2], "shard " + u[0] + "'s versions in turn");
    }
    for (JsonNode shard : summary.get("per_shard")) {
      assertEquals(shard.get("updates_applied").asLong(), perShard[shard.get("shard").asInt()], shard.toString());
    }
    // The tiny classes are separable: one bright block per class.
    assertTrue(summary.get("test_accuracy").asDouble() > 0.9, summary.toString());
    assertTrue(summary.get("test_loss").asDouble() < summary.get("train_loss").asDouble() + 1, summary.toString());
    JsonNode byEpoch = summary.get("accuracy_by_epoch");
    assertEquals(3, byEpoch.size(), summary.toString());
    for (int e = 0; e < 3; e++) {
      assertEquals(e + 1, byEpoch.get(e).get("epoch").asInt());
    }
    assertTrue(Files.size(out.resolve("accuracy.png")) > 0);
    JsonNode breakdown = summary.get("time_breakdown");
    for (String part : List.of("worker_compute_ms", "push_pull_wait_ms", "server_apply_ms")) {
      assertTrue(breakdown.get(part).get("p50").asDouble() >= 0, part);
      assertTrue(breakdown.get(part).get("p99").asDouble() >= breakdown.get(part).get("p50").asDouble(), part);
    }
    assertTrue(summary.get("steady_samples_per_second").asDouble() > 0, summary.toString());
    JsonNode cpu = breakdown.get("cpu_ms_per_step");
    assertTrue(cpu.get("workers").asDouble() > 0 && cpu.get("shards").asDouble() > 0, cpu.toString());
  }

  @Test
  void aMissingDataSetIsAnErrorThatSaysHowToGetIt() throws Exception {
    Path log = tmp.resolve("missing.log");
    int code = impetus(log, "local", "--model", "mlp", "--data-dir", tmp.resolve("nowhere").toString(), "--no-progress");
    String output = Files.readString(log, StandardCharsets.UTF_8);
    assertEquals(1, code, output);
    assertTrue(output.contains("nowhere"), output);
    assertTrue(output.contains("dataset-fashion-mnist") || output.contains("--data-dir"), output);
  }

  @Test
  void replayChecksTheGoldenTracesAndFailsOnAnyOtherFile() throws Exception {
    Path golden = Path.of(System.getProperty("impetus.golden.dir", "../parameter-server/src/test/resources/golden/optim"));
    Path log = tmp.resolve("replay.log");
    assertEquals(0, impetus(log, "replay", golden.toString()), Files.readString(log));
    assertTrue(Files.readString(log).contains("22 of 22 traces within"), Files.readString(log));

    Path bogus = tmp.resolve("bogus.json");
    Files.writeString(bogus, "{\"name\": \"x\"}");
    assertEquals(1, impetus(log, "replay", bogus.toString()));
    assertTrue(Files.readString(log).contains("bogus.json"), Files.readString(log));
  }
}
