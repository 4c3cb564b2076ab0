package io.impetus.study.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.impetus.data.DataFileException;
import io.impetus.data.TinyImageData;
import io.impetus.study.output.RunFolderWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
    Path data = TinyImageData.write(tmp.resolve("data"), 640, 200);
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
}
