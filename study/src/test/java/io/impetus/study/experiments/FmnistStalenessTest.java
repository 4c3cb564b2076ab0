package io.impetus.study.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.impetus.data.DataFileException;
import io.impetus.study.output.RunFolderWriter;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fmnist-staleness} on a tiny synthetic IDX folder written here (28x28 images whose class is
 * the position of a bright block: easily separable), so the test needs no real data set.
 */
class FmnistStalenessTest {
  @TempDir
  Path tmp;

  @Test
  void runsEveryOptimizerAndDelayAndStatesAVerdict() throws Exception {
    Path data = writeSyntheticIdx(tmp.resolve("data"), 640, 200);
    Path dir = tmp.resolve("run");
    List<String> log = new ArrayList<>();
    Experiment e = ExperimentRegistry.find("fmnist-staleness").orElseThrow();
    Outcome o = ExperimentRegistry.runAndReport(e,
        new ExperimentOptions(new RunFolderWriter(dir), 2, true, log::add, data, new int[] {32}),
        List.of("study", "run", "fmnist-staleness", "--quick"));
    System.out.println("fmnist-staleness (synthetic): " + o.evidence());

    FmnistStaleness.Grid g = FmnistStaleness.grid(true);
    // A row for every (optimizer, s), in grid order.
    assertEquals(g.optimizers().size() * g.delays().size(), o.table().size());
    int k = 0;
    for (FmnistStaleness.Opt opt : g.optimizers()) {
      for (int s : g.delays()) {
        Map<String, Object> row = o.table().get(k++);
        assertEquals(opt.name(), row.get("optimizer"));
        assertEquals("uniform:" + s, row.get("delay"));
        // Separable data: every run gets to 80%, after a whole number of evaluation intervals within the budget.
        Object b = row.get("batches_to_80pct");
        assertTrue(b instanceof Integer, row.toString());
        int batches = (Integer) b;
        assertTrue(batches > 0 && batches <= g.budget() && batches % g.every() == 0, row.toString());
        double acc = (Double) row.get("best_test_accuracy");
        assertTrue(acc >= 0.8 && acc <= 1.0, row.toString());
        assertEquals("no", row.get("diverged"));
      }
    }
    // The verdict and its numbers: one growth line per optimizer, then the slowdown comparison.
    assertTrue(o.evidence().get(0).startsWith("sgd (lr 0.05): batches to 80% by s: s=0: "), o.evidence().get(0));
    assertTrue(o.evidence().stream().anyMatch(l -> l.startsWith("slowdown b(s)/b(0) at s=")), o.evidence().toString());
    JsonNode summary = RunFolderWriter.JSON.readTree(dir.resolve("summary.json").toFile());
    assertEquals(e.claim(), summary.get("claim").asText());
    assertTrue(summary.get("supported").isBoolean());
    assertTrue(Files.readString(dir.resolve("report.md")).contains(e.claim()));
    List<String> csv = Files.readAllLines(dir.resolve("batches-to-80.csv"));
    assertEquals(1 + o.table().size(), csv.size());
    assertTrue(csv.get(0).startsWith("optimizer,lr,momentum,delay,batches_to_target"));
    assertTrue(Files.size(dir.resolve("batches-to-80.png")) > 0);
    assertTrue(Files.size(dir.resolve("test-accuracy.png")) > 0);
    assertTrue(log.get(0).startsWith("MLP 784-32-10"), log.get(0));
  }

  @Test
  void aMissingDataSetNamesTheFileAndThePackage() throws Exception {
    Path empty = Files.createDirectories(tmp.resolve("empty"));
    Experiment e = ExperimentRegistry.find("fmnist-staleness").orElseThrow();
    DataFileException ex = assertThrows(DataFileException.class, () -> e.run(
        new ExperimentOptions(new RunFolderWriter(tmp.resolve("run2")), 1, true, s -> { }, empty, null)));
    assertTrue(ex.getMessage().contains("train-images-idx3-ubyte"), ex.getMessage());
    assertTrue(ex.getMessage().contains("dataset-fashion-mnist"), ex.getMessage());
  }

  /** Writes the four gzipped IDX files: class c is a bright 5x5 block in cell (c / 5, c % 5), on a dim noisy background. */
  static Path writeSyntheticIdx(Path dir, int train, int test) throws IOException {
    Files.createDirectories(dir);
    SplittableRandom rng = new SplittableRandom(7);
    write(dir, "train", train, rng);
    write(dir, "t10k", test, rng);
    return dir;
  }

  private static void write(Path dir, String split, int n, SplittableRandom rng) throws IOException {
    byte[] labels = new byte[n];
    byte[] pixels = new byte[n * 28 * 28];
    for (int i = 0; i < n; i++) {
      int c = i % 10;
      labels[i] = (byte) c;
      int top = 3 + 12 * (c / 5);
      int left = 1 + 5 * (c % 5) + 1;
      for (int y = 0; y < 28; y++) {
        for (int x = 0; x < 28; x++) {
          boolean in = y >= top && y < top + 5 && x >= left && x < left + 5;
          pixels[i * 784 + y * 28 + x] = (byte) (in ? 200 + rng.nextInt(56) : rng.nextInt(40));
        }
      }
    }
    try (DataOutputStream out = new DataOutputStream(gz(dir.resolve(split + "-images-idx3-ubyte.gz")))) {
      out.writeInt(0x00000803);
      out.writeInt(n);
      out.writeInt(28);
      out.writeInt(28);
      out.write(pixels);
    }
    try (DataOutputStream out = new DataOutputStream(gz(dir.resolve(split + "-labels-idx1-ubyte.gz")))) {
      out.writeInt(0x00000801);
      out.writeInt(n);
      out.write(labels);
    }
  }

  private static OutputStream gz(Path p) throws IOException {
    return new GZIPOutputStream(Files.newOutputStream(p));
  }
}
