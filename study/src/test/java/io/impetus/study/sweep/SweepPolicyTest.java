package io.impetus.study.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.impetus.optim.MomentumStyle;
import io.impetus.optim.OptimizerKind;
import io.impetus.study.output.RunFolderWriter;
import io.impetus.study.simulate.Problem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Staleness policies are one more grid axis of a sweep, named in every row of results.csv. */
class SweepPolicyTest {
  @TempDir
  Path tmp;

  private static SweepConfig config(List<String> policies, List<Double> momenta) {
    return new SweepConfig(Problem.kappa(10, 4), momenta, List.of("fixed:6"), List.of(), List.of(OptimizerKind.SGD),
        List.of(0.01), List.of(0L, 1L), 200, 0.1, 0.05, MomentumStyle.PYTORCH, 2, policies);
  }

  @Test
  void everyPolicyRunsEverySettingAndResultsCsvNamesItsPolicy() throws Exception {
    SweepConfig c = config(List.of("none", "drop:3", "lr-divide"), List.of(0.5, 0.9));
    assertEquals(12, c.cells());
    List<CellResult> results = Sweep.run(c, i -> { });
    SweepOutput.write(c, results, new RunFolderWriter(tmp));
    List<String> csv = Files.readAllLines(tmp.resolve("results.csv"));
    List<String> header = List.of(csv.get(0).split(","));
    int policy = header.indexOf("policy");
    int dropped = header.indexOf("dropped");
    assertTrue(policy >= 0 && dropped >= 0);
    assertEquals(13, csv.size());
    assertEquals(4, csv.stream().skip(1).filter(l -> l.split(",")[policy].equals("drop:3")).count());
    for (String line : csv.subList(1, csv.size())) {
      String[] f = line.split(",");
      // With every gradient 6 updates old, drop:3 refuses some; the other policies refuse none.
      assertEquals(f[policy].equals("drop:3"), Integer.parseInt(f[dropped]) > 0, line);
    }
    assertTrue(Files.exists(tmp.resolve("heatmap-sgd-lr0.01-drop-3.png")));
    assertEquals(6, Setting.of(results).size());
  }

  @Test
  void theDefaultAxisIsNoneAndKeepsTheOldFileNames() throws Exception {
    SweepConfig c = new SweepConfig(Problem.kappa(10, 4), List.of(0.5), List.of("fixed:1"), List.of(), List.of(OptimizerKind.SGD),
        List.of(0.01), List.of(0L), 50, 0, 0.05, MomentumStyle.PYTORCH, 1);
    assertEquals(List.of("none"), c.policies());
    SweepOutput.write(c, Sweep.run(c, i -> { }), new RunFolderWriter(tmp));
    assertTrue(Files.exists(tmp.resolve("heatmap-sgd-lr0.01.png")));
  }

  @Test
  void momentumCompensationIsRefusedWhereItCannotApply() {
    assertThrows(IllegalArgumentException.class, () -> config(List.of("momentum-compensation"), List.of(0.0, 0.9)));
    assertThrows(IllegalArgumentException.class, () -> config(List.of("dc-asgd"), List.of(0.9)));
  }
}
