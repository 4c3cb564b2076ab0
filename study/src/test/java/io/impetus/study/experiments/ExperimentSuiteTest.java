package io.impetus.study.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.impetus.data.DataFileException;
import io.impetus.study.report.SuiteReport;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A suite runs every experiment into a folder of its own, goes on past one whose data is missing or
 * that fails, and its report gives each claim with its literature, verdict, setting, table, figures
 * and the command that reproduces it alone.
 */
class ExperimentSuiteTest {
  @TempDir
  Path tmp;

  /** An experiment that finds what it is told to, with a table of {@code rows} rows and one figure. */
  private record Scripted(String name, boolean supported, int rows, RuntimeException failure) implements Experiment {
    @Override
    public String claim() {
      return name + " holds";
    }

    @Override
    public String literature() {
      return "A. Author, \"On " + name + "\", 2020";
    }

    @Override
    public Outcome run(ExperimentOptions o) throws Exception {
      if (failure != null) {
        throw failure;
      }
      ImageIO.write(new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB), "png", o.out().resolve("figure.png").toFile());
      List<Map<String, Object>> table = new ArrayList<>();
      for (int i = 0; i < rows; i++) {
        table.add(Map.of("row", i));
      }
      return new Outcome(supported, List.of(name + " error = 0.1%"), table);
    }
  }

  @Test
  void everyExperimentRunsInAFolderOfItsOwnAndMissingDataOrAFailureDoesNotStopTheOthers() throws Exception {
    List<Experiment> experiments = List.of(
        new Scripted("first", true, 3, null),
        new Scripted("needs-data", true, 0, new DataFileException("/nowhere/train.gz: no such file", null)),
        new Scripted("broken", true, 0, new IllegalStateException("out of cheese")),
        new Scripted("last", false, 20, null));
    List<String> log = new ArrayList<>();
    List<ExperimentSuite.Entry> entries = ExperimentSuite.run(experiments, tmp,
        new ExperimentOptions(null, 1, true, s -> { }), List.of("--quick"), log::add);

    assertEquals(List.of(ExperimentSuite.Verdict.SUPPORTED, ExperimentSuite.Verdict.SKIPPED,
        ExperimentSuite.Verdict.FAILED, ExperimentSuite.Verdict.NOT_SUPPORTED),
        entries.stream().map(ExperimentSuite.Entry::verdict).toList());
    assertEquals("data not available: /nowhere/train.gz: no such file", entries.get(1).notRun());
    assertEquals("IllegalStateException: out of cheese", entries.get(2).notRun());
    assertEquals("./impetus study run first --quick --out " + tmp.resolve("first"), entries.get(0).command());
    assertEquals(entries.get(0).command() + "\n", Files.readString(tmp.resolve("first/command.txt")));
    assertTrue(Files.exists(tmp.resolve("first/report.md")));
    assertTrue(Files.exists(tmp.resolve("last/figure.png")));
    assertTrue(log.contains("   SKIPPED (data not available: /nowhere/train.gz: no such file)"), log.toString());
  }

  @Test
  void theReportGivesEachClaimItsLiteratureVerdictTableFiguresAndCommand() throws Exception {
    List<ExperimentSuite.Entry> entries = ExperimentSuite.run(
        List.of(new Scripted("first", true, 3, null), new Scripted("last", false, 20, null),
            new Scripted("needs-data", true, 0, new DataFileException("no data here", null))),
        tmp, new ExperimentOptions(null, 1, true, s -> { }), List.of("--quick"), s -> { });
    SuiteReport.write(tmp, "./impetus study run all --quick --out " + tmp, true, entries);
    String md = Files.readString(tmp.resolve("report.md"));

    assertTrue(md.contains("./impetus study run all --quick --out " + tmp), md);
    assertTrue(md.contains("quick grids"), md);
    assertTrue(md.contains("| first | SUPPORTED | first error = 0.1% |"), md);
    assertTrue(md.contains("| last | NOT SUPPORTED | last error = 0.1% |"), md);
    assertTrue(md.contains("| needs-data | SKIPPED | data not available: no data here |"), md);
    assertTrue(md.contains("**Claim.** last holds"), md);
    assertTrue(md.contains("**Literature.** A. Author, \"On last\", 2020"), md);
    assertTrue(md.contains("![figure.png](last/figure.png)"), md);
    assertTrue(md.contains("./impetus study run last --quick --out " + tmp.resolve("last")), md);
    assertTrue(md.contains("[last/report.md](last/report.md)"), md);
    // A long table is cut to its first rows; the experiment's own report has all of them.
    assertTrue(md.contains("| 11 |") && !md.contains("| 12 |"), md);
    assertTrue(md.contains("The first 12 of 20 rows"), md);
    assertFalse(md.contains("![figure.png](needs-data/figure.png)"), md);

    String html = Files.readString(tmp.resolve("report.html"));
    assertTrue(html.startsWith("<!DOCTYPE html>"), html);
    assertTrue(html.contains("<table>"), html);
    assertTrue(html.contains("<img src=\"data:image/png;base64,iVBORw0KGgo"), html);
    assertFalse(html.contains("src=\"last/figure.png\""), html);
  }
}
