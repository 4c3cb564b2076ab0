package io.impetus.study.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.impetus.study.output.RunFolderWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each named experiment, on its quick grid, supports its claim and leaves a run folder with a report. */
class ExperimentsTest {
  @TempDir
  Path tmp;

  private Outcome run(String name) throws Exception {
    Experiment e = ExperimentRegistry.find(name).orElseThrow();
    Path dir = tmp.resolve(name);
    Outcome o = ExperimentRegistry.runAndReport(e, new ExperimentOptions(new RunFolderWriter(dir), 2, true, s -> { }),
        List.of("study", "run", name, "--quick"));
    System.out.println(name + ": " + o.evidence());
    assertTrue(Files.readString(dir.resolve("report.md")).contains(e.claim()));
    assertTrue(Files.exists(dir.resolve("summary.json")));
    return o;
  }

  @Test
  void theRegistryListsOnlyExperimentsThatExist() {
    assertEquals(List.of("delayed-quadratic", "implicit-momentum", "best-momentum-vs-workers", "mitigations", "fmnist-staleness"),
        ExperimentRegistry.all().stream().map(Experiment::name).toList());
  }

  @Test
  void delayedQuadraticMeasuredRatesMatchTheSpectralRadius() throws Exception {
    assertTrue(run("delayed-quadratic").supported());
  }

  @Test
  void asyncSgdWithGeometricDelaysFollowsEmaMomentumOnAverage() throws Exception {
    assertTrue(run("implicit-momentum").supported());
  }

  @Test
  void theBestMomentumFallsWithWorkers() throws Exception {
    assertTrue(run("best-momentum-vs-workers").supported());
  }

  @Test
  void withSixteenWorkersMomentumCompensationAndLrDivideBeatNaiveAsync() throws Exception {
    // K of drop:K comes from delayed heavy-ball stability: beta 0.9 at lr*h_max = 0.1 is stable up to tau = 1.
    assertEquals(1, Mitigations.DROP_K);
    Outcome o = run("mitigations");
    assertTrue(o.supported());
    Map<String, Map<String, Object>> rows = new java.util.HashMap<>();
    for (Map<String, Object> r : o.table()) {
      rows.put((String) r.get("policy"), r);
    }
    assertEquals(List.of("none", "lr-divide", "drop:1", "dc-asgd:0.04", "momentum-compensation", "none (no staleness)"),
        o.table().stream().map(r -> r.get("policy")).toList());
    assertEquals("yes (3/3)", rows.get("none").get("diverged"));
    assertEquals(3, rows.get("momentum-compensation").get("reached"));
    assertTrue((Double) rows.get("momentum-compensation").get("final_loss") <= 0.05);
    assertTrue((Double) rows.get("lr-divide").get("median_steps_to_target") < 2000);
    assertEquals("no", rows.get("lr-divide").get("diverged"));
    // Staleness costs steps even when mitigated: the staleness-free reference is fastest.
    double reference = (Double) rows.get("none (no staleness)").get("median_steps_to_target");
    for (String p : List.of("lr-divide", "drop:1", "momentum-compensation")) {
      assertTrue((Double) rows.get(p).get("median_steps_to_target") > reference, p);
    }
    assertTrue((Double) rows.get("drop:1").get("dropped_per_run") > 0);
    assertTrue(Files.exists(tmp.resolve("mitigations").resolve("loss-by-policy.png")));
    assertTrue(Files.readString(tmp.resolve("mitigations").resolve("results.csv")).lines().skip(1)
        .allMatch(l -> l.split(",")[6].matches("none|lr-divide|drop:1|dc-asgd:0.04|momentum-compensation")));
  }
}
