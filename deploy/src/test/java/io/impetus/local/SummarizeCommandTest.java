package io.impetus.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.impetus.cli.Impetus;
import io.impetus.optim.OptimizerConfig;
import io.impetus.proto.StalenessStats;
import io.impetus.proto.StatusReply;
import io.impetus.proto.WorkerStatus;
import io.impetus.shard.ConsistencyMode;
import io.impetus.shard.ServerConfig;
import io.impetus.train.StepRecord;
import io.impetus.train.TrainingReport;
import io.impetus.train.WorkerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code impetus summarize RUN_DIR} on run folders as a cluster's pods leave them: status files of the
 * shards, settings, metrics and reports of the workers, some of them missing or damaged.
 */
class SummarizeCommandTest {
  @TempDir Path dir;

  /** The run's N. */
  private int workers = 2;

  /** Shard 0's settings, for this run's N. */
  private ServerConfig shard() {
    return new ServerConfig("0.0.0.0", 7070, 0, 2, workers, ConsistencyMode.ASYNC, OptimizerConfig.sgd(0.01, 0.8));
  }

  private static StatusReply status(int shard, long version) {
    return StatusReply.newBuilder().setShardIndex(shard).setNumShards(2).setInitialized(true).setVersion(version)
        .setNumParams(20).setRangeStart(shard * 10L).setRangeEnd(shard * 10L + 10).setMode("async")
        .setStaleness(StalenessStats.newBuilder().setCount(version).setSum(version).setMax(3)
            .addHistogram(version / 2).addHistogram(version - version / 2))
        .addWorkers(WorkerStatus.newBuilder().setWorkerId(0).setState("LEFT"))
        .addWorkers(WorkerStatus.newBuilder().setWorkerId(1).setState("EXPIRED"))
        .setProcessCpuSeconds(Double.NaN).build();
  }

  /** Worker {@code rank} of N training quadratic: its settings and {@code steps} metrics rows. */
  private void worker(int rank, int steps) throws Exception {
    WorkerConfig config = new WorkerConfig(List.of("impetus-ps-0.impetus-ps:7070", "impetus-ps-1.impetus-ps:7070"),
        rank, workers, "quadratic", 32, null, 10L, 42, null, null, 1, false, 60);
    WorkerSettings.write(dir, config);
    StringBuilder csv = new StringBuilder(StepRecord.CSV_HEADER).append('\n');
    for (int step = 0; step < steps; step++) {
      csv.append(new StepRecord(1000L * step + rank, rank, step, 0, 1.0 / (step + 1), 1, 0, false, 32, 1_000_000,
          500_000, Double.NaN, Double.NaN).csvRow()).append('\n');
    }
    Files.writeString(RunLayout.workerMetrics(dir, rank), csv);
  }

  private void report(int rank, long steps) throws Exception {
    Files.writeString(RunLayout.workerReport(dir, rank), new TrainingReport(rank, steps, steps * 32, 1_000, 11_000,
        0.1, 1.0, 3, 0, 0, Double.NaN, 0.5, 7, List.of("grpc", "grpc")).toJson());
  }

  private JsonNode summarize() throws Exception {
    assertEquals(0, new Impetus().run(new String[] {"summarize", dir.toString()}, Map.of()));
    return new ObjectMapper().readTree(dir.resolve("summary.json").toFile());
  }

  @Test
  void aStatusFileKeepsTheShardsSettingsAndItsStatusExactly() throws Exception {
    Path file = RunLayout.shardStatus(dir, 0);
    ShardStatusFile.write(file, shard(), status(0, 40), true, "all workers left");
    ShardStatusFile read = ShardStatusFile.read(file);
    assertEquals(status(0, 40), read.status());
    assertTrue(read.complete());
    assertEquals("all workers left", read.reason());
    assertEquals("async", read.settings().get("mode").asText());
    assertEquals(0.8, read.settings().get("optimizer").get("momentum").asDouble());
    // Written through a temporary file renamed over the old one: nothing else is left in the folder.
    try (var files = Files.list(file.getParent())) {
      assertEquals(List.of(file), files.toList());
    }
  }

  @Test
  void aFolderWithAWorkerAndAShardMissingIsSummarizedAndSaysWhatIsMissing() throws Exception {
    workers = 3;
    worker(0, 10);
    worker(1, 4); // died after 4 steps: no report
    worker(2, 3); // killed while writing its report
    report(0, 10);
    report(2, 3);
    Files.writeString(RunLayout.workerReport(dir, 2), Files.readString(RunLayout.workerReport(dir, 2)).substring(0, 40));
    ShardStatusFile.write(RunLayout.shardStatus(dir, 0), shard(), status(0, 14), true, "all workers left");
    Files.writeString(RunLayout.shardStatus(dir, 1), "{\"settings\": {"); // torn

    JsonNode summary = summarize();

    assertEquals("completed_with_lost_workers", summary.get("status").asText());
    assertEquals("[1,2]", summary.get("lost_workers").toString());
    assertEquals(10, summary.get("steps").asLong());
    assertEquals(2, summary.get("shards").asInt());
    assertEquals(3, summary.get("workers").asInt());
    assertEquals("quadratic", summary.get("model").asText());
    assertEquals(1, summary.get("per_shard").size(), "shard 1's figures are left out");
    assertEquals(14, summary.get("per_shard").get(0).get("updates_applied").asLong());
    assertEquals("EXPIRED", summary.get("worker_states").get("1").asText());
    List<String> problems = new ObjectMapper().convertValue(summary.get("problems"), List.class);
    assertEquals(4, problems.size(), problems.toString());
    assertTrue(problems.get(0).startsWith("shards/shard-1-status.json: is not a shard status file: not JSON"),
        problems.get(0));
    assertEquals("workers/worker-1.json: missing; worker 1 did not finish (its metrics rows so far are kept)",
        problems.get(1));
    assertEquals("workers/worker-2.json: not JSON, or cut short; worker 2 did not finish (its metrics rows so far are"
        + " kept)", problems.get(2));
    assertTrue(problems.get(3).startsWith("checkpoints: no checkpoint in"), problems.get(3));
    assertTrue(summary.get("train_loss").isNull());
    assertTrue(summary.get("train_loss_note").asText().startsWith("not evaluated: checkpoints: no checkpoint in"),
        summary.get("train_loss_note").asText());
    // Every worker's rows, the dead ones' too, in time order.
    List<String> metrics = Files.readAllLines(dir.resolve("metrics.csv"));
    assertEquals(1 + 10 + 4 + 3, metrics.size());
    assertTrue(metrics.get(2).startsWith("0.001,1,0,"), metrics.get(2));
    assertTrue(Files.size(dir.resolve("loss.png")) > 0);
    assertTrue(Files.exists(dir.resolve("staleness.csv")));
  }

  @Test
  void aStatusFileWrittenWhileTheShardRanIsUsedAndNamed() throws Exception {
    worker(0, 2);
    worker(1, 2);
    report(0, 2);
    report(1, 2);
    ShardStatusFile.write(RunLayout.shardStatus(dir, 0), shard(), status(0, 4), false, ShardStatusFile.RUNNING);
    ShardStatusFile.write(RunLayout.shardStatus(dir, 1), shard(), status(1, 4), true, "all workers left");

    JsonNode summary = summarize();

    assertEquals("completed", summary.get("status").asText());
    assertEquals(2, summary.get("per_shard").size());
    assertEquals("shards/shard-0-status.json: written while the shard ran (it did not stop cleanly); its figures are"
        + " as of then", summary.get("problems").get(0).asText());
  }

  @Test
  void aFolderNoWorkerWroteSettingsToIsRefusedNamingTheFile() throws Exception {
    ShardStatusFile.write(RunLayout.shardStatus(dir, 0), shard(), status(0, 4), true, "all workers left");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RunFolderFiles.read(dir));
    assertTrue(e.getMessage().startsWith("no worker left its settings in " + dir.resolve("workers")), e.getMessage());
    assertTrue(e.getMessage().contains("worker-R-settings.json"), e.getMessage());
    assertEquals(2, new Impetus().run(new String[] {"summarize", dir.toString()}, Map.of()));
    assertFalse(Files.exists(dir.resolve("summary.json")));
    assertThrows(IllegalArgumentException.class, () -> RunFolderFiles.read(dir.resolve("nothing-here")));
  }
}
