package io.impetus.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.impetus.client.InProcessShards;
import io.impetus.client.PushResult;
import io.impetus.client.ShardedClient;
import io.impetus.model.DataOptions;
import io.impetus.model.Quadratic;
import io.impetus.model.Workload;
import io.impetus.optim.OptimizerConfig;
import io.impetus.shard.ConsistencyMode;
import io.impetus.shard.ServerConfig;
import io.impetus.staleness.DropStale;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker's staleness trace has one row per update a shard applied for it, with the version that
 * update made (read version + staleness + 1, not the reply's version) and without the slices a
 * shard dropped.
 */
class StalenessTraceTest {
  private static final OptimizerConfig OPTIMIZER = OptimizerConfig.sgd(0.02, 0.5);
  @TempDir Path tmp;

  @Test
  void eachAppliedSliceIsARowWithTheVersionItsUpdateMadeAndDroppedSlicesAreLeftOut() throws Exception {
    StringWriter out = new StringWriter();
    try (StalenessTrace trace = new StalenessTrace(out)) {
      // Computed from versions 7 and 3; shard 0 applied it 2 updates late, shard 1 dropped it. Shard
      // 0's reply came back at version 12 (it waited while others were applied): the update made 10.
      trace.record(new long[] {7, 3}, new PushResult(new long[] {2, 5}, new long[] {0, 0},
          new boolean[] {false, true}, new long[] {12, 8}), 41);
      trace.record(new long[] {10, 8}, new PushResult(new long[] {0, 0}, new long[] {0, 0},
          new boolean[] {false, false}, new long[] {11, 9}), 42);
    }
    assertEquals("shard,version,staleness,worker_step\n0,10,2,41\n0,11,0,42\n1,9,0,42\n", out.toString());
  }

  @Test
  void rowsBeyondOneBlockAreAllWrittenInOrder() throws Exception {
    StringWriter out = new StringWriter();
    int steps = StalenessTrace.BLOCK + 3;
    try (StalenessTrace trace = new StalenessTrace(out)) {
      for (int t = 0; t < steps; t++) {
        trace.record(new long[] {t}, new PushResult(new long[] {0}, new long[] {0}, new boolean[] {false},
            new long[] {t + 1}), t);
      }
    }
    String[] lines = out.toString().split("\n");
    assertEquals(1 + steps, lines.length);
    for (int t = 0; t < steps; t++) {
      assertEquals("0," + (t + 1) + ",0," + t, lines[1 + t]);
    }
  }

  @Test
  void flushWritesTheRowsSoFarToTheFile() throws Exception {
    Path file = tmp.resolve("workers/worker-0-staleness.csv");
    StalenessTrace trace = StalenessTrace.open(file);
    trace.record(new long[] {0}, new PushResult(new long[] {0}, new long[] {0}, new boolean[] {false},
        new long[] {1}), 0);
    trace.flush();
    assertEquals(List.of("shard,version,staleness,worker_step", "0,1,0,0"), Files.readAllLines(file));
    trace.close();
  }

  @Test
  void anOverlappingWorkersTraceNumbersEveryVersionOfEveryShardOnceAndFromItsReadVersion() throws Exception {
    // Step t's gradient is computed from version t-1 and applied one update late, making version t+1.
    List<String> rows = train(new InProcessShards(2, 1, ConsistencyMode.ASYNC, OPTIMIZER), 40);
    List<String> expected = new ArrayList<>(List.of(StalenessTrace.CSV_HEADER));
    for (int t = 0; t < 40; t++) {
      expected.add("0," + (t + 1) + "," + (t == 0 ? 0 : 1) + "," + t);
      expected.add("1," + (t + 1) + "," + (t == 0 ? 0 : 1) + "," + t);
    }
    assertEquals(expected, rows);
  }

  @Test
  void gradientsTheShardsDropAreNotInTheTrace() throws Exception {
    // drop:0 with --overlap: step 0 is applied; step 1, computed from version 0 with version 1 out, is
    // dropped and its reply hands back version 1, which step 2 is fresh against; and so on.
    ServerConfig dropStale = new ServerConfig("127.0.0.1", 0, 0, 2, 1, ConsistencyMode.ASYNC, 0, 0,
        ServerConfig.DEFAULT_WORKER_TIMEOUT_MILLIS, new DropStale(0), OPTIMIZER);
    List<String> rows = train(new InProcessShards(dropStale), 40);
    List<String> expected = new ArrayList<>(List.of(StalenessTrace.CSV_HEADER));
    for (int t = 0; t < 40; t += 2) {
      expected.add("0," + (t / 2 + 1) + ",0," + t);
      expected.add("1," + (t / 2 + 1) + ",0," + t);
    }
    assertEquals(expected, rows);
  }

  /** Trains a lone overlapping worker for {@code steps} steps on {@code shards} and returns its trace's lines. */
  private List<String> train(InProcessShards shards, long steps) throws Exception {
    Path file = tmp.resolve("trace.csv");
    try (shards; StalenessTrace trace = StalenessTrace.open(file)) {
      Workload workload = new Workload(new Quadratic(), null);
      ShardedClient client = shards.client(0, workload.model().layout());
      WorkerConfig config = new WorkerConfig(List.of("in-process:1", "in-process:2"), 0, 1, "quadratic", 1, null, steps,
          1, null, null, 1, false, 10, WorkerDelay.none(), 1.0, null, DataOptions.defaults(), false, true);
      TrainingReport report = new Trainer(workload, config, client, step -> {}, trace).run();
      assertEquals(steps, report.steps());
    }
    List<String> lines = Files.readAllLines(file);
    assertTrue(lines.size() > 1, "the trace has rows");
    return lines;
  }
}
