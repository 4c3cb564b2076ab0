package io.impetus.simvsreal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.impetus.study.experiments.Experiment;
import io.impetus.study.experiments.ExperimentOptions;
import io.impetus.study.experiments.ExperimentRegistry;
import io.impetus.study.experiments.Outcome;
import io.impetus.study.output.RunFolderWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimVsRealTest {

  @Test
  void theRegistryFindsTheExperimentThroughTheServiceLoader() {
    Experiment e = ExperimentRegistry.find("sim-vs-real").orElseThrow();
    assertTrue(e instanceof SimVsReal);
    assertTrue(e.claim().contains("<= " + SimVsReal.TOLERANCE), e.claim());
    assertTrue(e.literature().contains("Mitliagkas"), e.literature());
  }

  @Test
  void theQuickGridRunsForRealAndReplaysEverySettingWithBothDelayModels(@TempDir Path tmp) throws Exception {
    RunFolderWriter out = new RunFolderWriter(tmp.resolve("svr"));
    Experiment e = new SimVsReal();
    Outcome o = ExperimentRegistry.runAndReport(e, new ExperimentOptions(out, 2, true, line -> {}),
        List.of("study", "run", "sim-vs-real", "--quick"));

    List<Setting> grid = SimVsReal.grid(true, false);
    assertEquals(2 * grid.size(), o.table().size());
    boolean allWithin = true;
    for (int i = 0; i < o.table().size(); i++) {
      Map<String, Object> row = o.table().get(i);
      Setting s = grid.get(i / 2);
      assertEquals(s.label(), row.get("setting"));
      assertEquals(i % 2 == 0 ? "histogram" : "trace", row.get("delay_model"));
      assertEquals(s.updates(), row.get("updates"), row.toString());
      // Every figure is a number, or (a run that diverged to infinity; a gap where only one side diverged)
      // null with a note saying why, and such a row is out of tolerance: real runs differ from run to run,
      // so which rows diverge is not fixed.
      for (String key : List.of("real_final_loss", "sim_final_loss", "final_log10_gap", "max_checkpoint_log10_gap")) {
        Object v = row.get(key);
        if (v == null) {
          assertTrue(row.get(key + "_note") instanceof String, key + " is null without a note in " + row);
        } else {
          assertTrue(v instanceof Double d && d >= 0, key + " in " + row);
        }
      }
      if (row.get("final_log10_gap") == null) {
        assertTrue(!row.get("real_diverged").equals(row.get("sim_diverged")), "a null gap: one side diverged, " + row);
        assertEquals("no", row.get("within_tolerance"), row.toString());
      }
      allWithin &= row.get("within_tolerance").equals("yes");
    }
    // One worker has no staleness: both delay models replay it as 0 throughout.
    assertEquals(0.0, o.table().get(0).get("real_mean_staleness"));
    assertEquals(0.0, o.table().get(1).get("sim_mean_staleness"));
    assertEquals(allWithin, o.supported(), "the verdict is every row within tolerance");

    JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
    assertEquals(o.supported(), summary.get("supported").asBoolean());
    assertTrue(Files.readString(out.resolve("report.md")).contains("sim-vs-real"));
    assertTrue(Files.exists(out.resolve("curves-mlp-x2-sgd-momentum-0.9.png")));
    assertEquals(1 + SimVsReal.WINDOWS * grid.size(), Files.readAllLines(out.resolve("curves.csv")).size());
    for (Setting s : grid) {
      assertTrue(Files.exists(out.resolve("real/" + s.fileName() + "/staleness.csv")), s.label());
    }
  }
}
