package io.impetus.study.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.impetus.study.output.RunFolderWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
    assertEquals(List.of("delayed-quadratic", "implicit-momentum", "best-momentum-vs-workers"),
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
}
