package io.impetus.study.delay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.impetus.optim.OptimizerConfig;
import io.impetus.study.simulate.Problem;
import io.impetus.study.simulate.SimulationConfig;
import io.impetus.study.simulate.Simulator;
import io.impetus.study.simulate.Trajectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The delay models that replay a real run's staleness: {@code histogram:FILE} draws from its
 * recorded distribution, {@code trace:FILE} replays its recorded sequence; bad files are errors that
 * name the file and the line.
 */
class ReplayedDelaysTest {
  @TempDir
  Path tmp;

  private Path file(String name, String text) throws IOException {
    Path p = tmp.resolve(name);
    Files.writeString(p, text);
    return p;
  }

  private static int[] draw(DelayScheduler d, int n, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      out[i] = d.next(rng);
    }
    return out;
  }

  private static String error(String spec) {
    return assertThrows(IllegalArgumentException.class, () -> Delays.parse(spec)).getMessage();
  }

  @Test
  void aHistogramIsSampledInTheProportionsOfItsCounts() throws IOException {
    // Staleness 1 and 3 have count 0 (1 by its absence): they are never drawn.
    Path h = file("hist.csv", "staleness,count\n0,50\n2,30\n3,0\n5,20\n");
    DelayScheduler d = Delays.parse("histogram:" + h);
    assertEquals(5, d.maxDelay());
    assertEquals((2 * 30 + 5 * 20) / 100.0, d.mean(), 1e-12);
    long[] seen = new long[6];
    for (int v : draw(d, 100_000, 7)) {
      seen[v]++;
    }
    assertEquals(0, seen[1]);
    assertEquals(0, seen[3]);
    assertEquals(0, seen[4]);
    assertEquals(0.50, seen[0] / 100_000.0, 0.005);
    assertEquals(0.30, seen[2] / 100_000.0, 0.005);
    assertEquals(0.20, seen[5] / 100_000.0, 0.005);
    assertArrayEquals(draw(d, 1000, 7), draw(Delays.parse("histogram:" + h), 1000, 7), "a seed fixes the draws");
  }

  @Test
  void aHistogramFileMayOrderItsColumnsFreelyAndCarryOthers() throws IOException {
    Path h = file("hist.csv", "run,count,staleness\na,1,4\nb,3,0\n");
    assertEquals(1.0, Delays.parse("histogram:" + h).mean(), 1e-12);
  }

  @Test
  void aRunsSummaryJsonStillServesAsAHistogram() throws IOException {
    Path s = file("summary.json", "{\"staleness\": {\"histogram\": [0, 4, 0, 4]}}");
    DelayScheduler d = Delays.parse("histogram:" + s);
    assertEquals(3, d.maxDelay());
    assertEquals(2.0, d.mean(), 1e-12);
  }

  @Test
  void aTraceReplaysShardZerosStalenessInFileOrderAndWrapsAround() throws IOException {
    Path t = file("staleness.csv", "shard,worker,version,staleness\n0,0,1,0\n1,0,1,7\n0,1,2,1\n0,0,3,2\n1,1,2,9\n0,1,4,1\n");
    DelayScheduler d = Delays.parse("trace:" + t);
    assertEquals(2, d.maxDelay());
    assertEquals(1.0, d.mean(), 1e-12);
    assertArrayEquals(new int[] {0, 1, 2, 1, 0, 1, 2, 1, 0}, draw(d, 9, 1));
    assertArrayEquals(new int[] {7, 9, 7}, draw(Delays.parse("trace:" + t + "@shard=1"), 3, 1));
    assertEquals("trace:" + t + "@shard=1", Delays.parse("trace:" + t + "@shard=1").spec());
  }

  @Test
  void aTraceWithoutAShardColumnIsReplayedWhole() throws IOException {
    Path t = file("delays.csv", "staleness\n3\n0\n5\n");
    assertArrayEquals(new int[] {3, 0, 5, 3}, draw(Delays.parse("trace:" + t), 4, 1));
  }

  @Test
  void theSimulatorAppliesATracesDelaysExactlyWhateverTheSeed() throws IOException {
    Path t = file("staleness.csv", "shard,worker,version,staleness\n0,0,1,0\n0,1,2,1\n0,2,3,2\n0,0,4,1\n0,1,5,0\n0,2,6,3\n");
    SimulationConfig c = SimulationConfig.of(Problem.quadratic(1), OptimizerConfig.sgd(0.1, 0.5), "trace:" + t, 12, 0, 0);
    int[] expected = {0, 1, 2, 1, 0, 3, 0, 1, 2, 1, 0, 3};
    Trajectory a = Simulator.run(c);
    assertArrayEquals(expected, a.delays());
    assertArrayEquals(expected, Simulator.run(c.withSeed(99)).delays());
  }

  @Test
  void missingFilesAndHeadersAreNamed() throws IOException {
    Path none = tmp.resolve("nope.csv");
    assertEquals("delay histogram " + none + " does not exist or is not a file", error("histogram:" + none));
    assertEquals("delay trace " + none + " does not exist or is not a file", error("trace:" + none));
    Path bad = file("bad.csv", "lag,n\n1,2\n");
    assertEquals("delay histogram " + bad + " line 1: the header must name the columns staleness,count (it has lag,n)",
        error("histogram:" + bad));
    Path empty = file("empty.csv", "");
    assertEquals("delay trace " + empty + " is empty: it needs a header line naming its columns", error("trace:" + empty));
    assertEquals("delay 'trace:' needs a file after the colon", error("trace:"));
  }

  @Test
  void badValuesAreNamedWithTheirLine() throws IOException {
    Path negative = file("neg.csv", "shard,worker,version,staleness\n0,0,1,0\n0,1,2,-1\n");
    assertEquals("delay trace " + negative + " line 3: staleness -1 is negative", error("trace:" + negative));
    Path word = file("word.csv", "staleness,count\n0,10\n1,many\n");
    assertEquals("delay histogram " + word + " line 3: count 'many' is not a whole number", error("histogram:" + word));
    Path negativeCount = file("negcount.csv", "staleness,count\n0,-4\n");
    assertEquals("delay histogram " + negativeCount + " line 2: count -4 is negative", error("histogram:" + negativeCount));
    Path twice = file("twice.csv", "staleness,count\n0,1\n2,1\n0,3\n");
    assertEquals("delay histogram " + twice + " line 4: staleness 0 appears again (first on line 2)", error("histogram:" + twice));
    Path ragged = file("ragged.csv", "staleness,count\n0,1\n2\n");
    assertEquals("delay histogram " + ragged + " line 3: has 1 fields where the header has 2 (staleness,count)",
        error("histogram:" + ragged));
  }

  @Test
  void emptyHistogramsAndTracesAreErrors() throws IOException {
    Path zeros = file("zeros.csv", "staleness,count\n0,0\n3,0\n");
    assertEquals("delay histogram " + zeros + ": the histogram is empty (no staleness has a positive count)", error("histogram:" + zeros));
    Path headerOnly = file("header.csv", "staleness,count\n");
    assertEquals("delay histogram " + headerOnly + ": the histogram is empty (no staleness has a positive count)",
        error("histogram:" + headerOnly));
    Path noRows = file("norows.csv", "shard,worker,version,staleness\n");
    assertEquals("delay trace " + noRows + ": has no rows after its header: the trace is empty", error("trace:" + noRows));
    Path otherShard = file("other.csv", "shard,worker,version,staleness\n1,0,1,0\n2,0,1,0\n");
    assertEquals("delay trace " + otherShard + ": has no rows of shard 0 (shards in the file: [1, 2]; choose one with "
        + "trace:FILE@shard=N)", error("trace:" + otherShard));
  }

  @Test
  void aShardMustBeAWholeNumberAndNeedsAShardColumn() throws IOException {
    Path t = file("delays.csv", "staleness\n3\n");
    assertEquals("delay 'trace:" + t + "@shard=x' needs a whole number >= 0 after @shard=", error("trace:" + t + "@shard=x"));
    assertEquals("delay trace " + t + ": has no shard column to choose shard 2 by", error("trace:" + t + "@shard=2"));
  }
}
