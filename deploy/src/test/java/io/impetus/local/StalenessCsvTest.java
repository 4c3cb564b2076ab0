package io.impetus.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.impetus.study.delay.TraceDelay;
import io.impetus.train.StalenessTrace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The run folder's staleness.csv merges the workers' traces sorted by shard, version and worker, and
 * is what {@code study simulate --delay trace:FILE} replays.
 */
class StalenessCsvTest {
  @TempDir Path run;

  @Test
  void mergesTheWorkersTracesSortedByShardVersionAndWorker() throws Exception {
    worker(0, "0,2,1,1", "1,1,0,1", "0,4,1,2");
    worker(1, "1,2,1,0", "0,1,0,0", "0,3,1,1");
    // A killed worker: the rows it wrote count, its torn last line does not.
    Files.writeString(StalenessCsv.workerFile(run, 2), StalenessTrace.CSV_HEADER + "\n1,3,2,0\n0,5,");

    assertEquals(7, StalenessCsv.merge(run, 4)); // worker 3 left no file
    assertEquals(List.of("shard,worker,version,staleness,worker_step",
        "0,1,1,0,0",
        "0,0,2,1,1",
        "0,1,3,1,1",
        "0,0,4,1,2",
        "1,0,1,0,1",
        "1,1,2,1,0",
        "1,2,3,2,0"), Files.readAllLines(run.resolve(StalenessCsv.FILE)));
  }

  @Test
  void aSyncStepsWorkersShareItsVersionAndAreOrderedByWorker() throws Exception {
    worker(1, "0,1,0,0", "0,2,0,1");
    worker(0, "0,1,0,0", "0,2,0,1");
    StalenessCsv.merge(run, 2);
    assertEquals(List.of("shard,worker,version,staleness,worker_step", "0,0,1,0,0", "0,1,1,0,0", "0,0,2,0,1",
        "0,1,2,0,1"), Files.readAllLines(run.resolve(StalenessCsv.FILE)));
  }

  @Test
  void aRunWithoutTracesLeavesAFileWithTheHeaderOnly() throws Exception {
    assertEquals(0, StalenessCsv.merge(run, 2));
    assertEquals(List.of("shard,worker,version,staleness,worker_step"), Files.readAllLines(run.resolve(StalenessCsv.FILE)));
  }

  @Test
  void theTraceDelayModelReplaysOneShardsStalenessInVersionOrder() throws Exception {
    worker(0, "0,2,1,1", "1,1,0,1", "0,4,1,2");
    worker(1, "1,2,3,0", "0,1,0,0", "0,3,2,1");
    StalenessCsv.merge(run, 2);
    Path file = run.resolve(StalenessCsv.FILE);

    assertArrayEquals(new int[] {0, 1, 2, 1}, replay(TraceDelay.read(file, null), 4));
    assertArrayEquals(new int[] {0, 3}, replay(TraceDelay.read(file, 1), 2));
  }

  private static int[] replay(TraceDelay delay, int expectedLength) {
    assertEquals(expectedLength, delay.length());
    int[] delays = new int[delay.length()];
    SplittableRandom rng = new SplittableRandom(1);
    for (int i = 0; i < delays.length; i++) {
      delays[i] = delay.next(rng);
    }
    return delays;
  }

  /** Writes worker {@code rank}'s trace with {@code rows} (shard,version,staleness,worker_step). */
  private void worker(int rank, String... rows) throws IOException {
    Path file = StalenessCsv.workerFile(run, rank);
    Files.createDirectories(file.getParent());
    Files.writeString(file, StalenessTrace.CSV_HEADER + "\n" + String.join("\n", rows) + "\n");
  }
}
