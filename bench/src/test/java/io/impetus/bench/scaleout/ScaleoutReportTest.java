package io.impetus.bench.scaleout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.junit.jupiter.api.io.TempDir;

/** The scale-out report: what its tables say for a small CSV, that it draws the PNG, and how it rejects a bad CSV. */
class ScaleoutReportTest {
  private static final String HEADER = "link_rate,system,shards,workers,samples_per_second,run_dir\n";

  @TempDir
  Path dir;

  private Path csv(String rows) throws IOException {
    Path file = dir.resolve("results.csv");
    Files.writeString(file, HEADER + rows);
    return file;
  }

  @Test
  void tabulatesSamplesPerSecondByWorkersAndShardsWithPytorchBesidePerLinkRate() throws IOException {
    Path csv = csv("""
        1gbit,impetus,1,1,1000.4,runs/a
        1gbit,impetus,2,1,1500,runs/b
        1gbit,pytorch,1,1,900,runs/c
        1gbit,impetus,1,2,1800,runs/d
        1gbit,impetus,2,2,NaN,runs/e
        1gbit,pytorch,1,2,1700,runs/f
        10gbit,impetus,1,1,1200,runs/g
        10gbit,impetus,1,1,1400,runs/h
        10gbit,impetus,1,1,1300,runs/i
        """);
    ScaleoutReport.Written written = ScaleoutReport.write(csv, dir.resolve("out/scaleout"));

    assertEquals(dir.resolve("out/scaleout.md").toAbsolutePath(), written.markdown());
    String md = Files.readString(written.markdown());
    assertTrue(md.contains("""
        ### Link rate 1gbit

        | N | S=1 | S=2 | PyTorch |
        | --- | --- | --- | --- |
        | 1 | 1,000 | 1,500 | 900 |
        | 2 | 1,800 | failed | 1,700 |
        """), md);
    // Three runs of one setting: their median. No PyTorch run at this rate: no PyTorch column.
    assertTrue(md.contains("""
        ### Link rate 10gbit

        | N | S=1 |
        | --- | --- |
        | 1 | 1,300 |
        """), md);
    assertTrue(md.indexOf("1gbit") < md.indexOf("10gbit"), "link rates in the CSV's order:\n" + md);
    assertTrue(md.contains("](scaleout.png)"), md);
  }

  @Test
  void drawsOnePanelPerLinkRateIntoOnePng() throws IOException {
    Path csv = csv("""
        1gbit,impetus,1,1,1000,runs/a
        1gbit,impetus,1,2,1800,runs/b
        1gbit,pytorch,1,2,1700,runs/c
        10gbit,impetus,4,8,5000,runs/d
        """);
    Path png = ScaleoutReport.write(csv, dir.resolve("scaleout")).png();

    BufferedImage image = ImageIO.read(png.toFile());
    assertEquals(2 * ScaleoutPlot.PANEL_WIDTH, image.getWidth());
    assertEquals(ScaleoutPlot.PANEL_HEIGHT, image.getHeight());
    // The panels are drawn: neither half is a blank canvas.
    assertFalse(uniform(image, 0), "left panel is blank");
    assertFalse(uniform(image, ScaleoutPlot.PANEL_WIDTH), "right panel is blank");
  }

  @Test
  void aPanelDrawsALinePerShardCountAndPytorchDashed() {
    ScaleoutGrid grid = ScaleoutGrid.byLinkRate(List.of(
        new ScaleoutRun("1gbit", ScaleoutRun.TrainingSystem.IMPETUS, 1, 1, 1000, "a"),
        new ScaleoutRun("1gbit", ScaleoutRun.TrainingSystem.IMPETUS, 1, 2, Double.NaN, "b"),
        new ScaleoutRun("1gbit", ScaleoutRun.TrainingSystem.IMPETUS, 1, 4, 3000, "c"),
        new ScaleoutRun("1gbit", ScaleoutRun.TrainingSystem.IMPETUS, 2, 4, 3500, "d"),
        new ScaleoutRun("1gbit", ScaleoutRun.TrainingSystem.PYTORCH, 1, 4, 2500, "e"))).get(0);

    XYChart chart = ScaleoutPlot.chart(grid);
    assertEquals(List.of("Impetus S=1", "Impetus S=2", "PyTorch RPC PS"),
        chart.getSeriesCollection().stream().map(XYSeries::getName).toList());
    // The failed N=2 run is left out of its line.
    assertArrayEquals(new double[] {1, 4}, chart.getSeries("Impetus S=1").getXData());
    assertArrayEquals(new double[] {1000, 3000}, chart.getSeries("Impetus S=1").getYData());
    assertArrayEquals(new double[] {2500}, chart.getSeries("PyTorch RPC PS").getYData());
  }

  @Test
  void aMalformedCsvNamesItsLineAndWritesNothing() throws IOException {
    Path csv = csv("""
        1gbit,impetus,1,1,1000,runs/a
        1gbit,impetus,2,1,fast,runs/b
        """);
    IOException e = assertThrows(IOException.class, () -> ScaleoutReport.write(csv, dir.resolve("scaleout")));
    assertTrue(e.getMessage().contains("results.csv line 3"), e.getMessage());
    assertTrue(e.getMessage().contains("'fast'"), e.getMessage());
    assertFalse(Files.exists(dir.resolve("scaleout.md")));
    assertFalse(Files.exists(dir.resolve("scaleout.png")));
  }

  @Test
  void rowsThatAreNotRunsAreRejectedWithTheirLine() throws IOException {
    IOException system = assertThrows(IOException.class,
        () -> ScaleoutCsv.read(csv("1gbit,tensorflow,1,1,1000,runs/a\n")));
    assertTrue(system.getMessage().endsWith("line 2: system must be impetus or pytorch, got 'tensorflow'"),
        system.getMessage());

    IOException shards = assertThrows(IOException.class,
        () -> ScaleoutCsv.read(csv("1gbit,impetus,1,1,1000,runs/a\n1gbit,impetus,0,1,1000,runs/b\n")));
    assertTrue(shards.getMessage().endsWith("line 3: shards must be at least 1, got 0"), shards.getMessage());

    IOException short_ = assertThrows(IOException.class, () -> ScaleoutCsv.read(csv("1gbit,impetus,1,1\n")));
    assertTrue(short_.getMessage().contains("line 2: has 4 fields where the header has 6"), short_.getMessage());

    Path noRate = dir.resolve("no-rate.csv");
    Files.writeString(noRate, "link_rate,system,shards,workers,run_dir\n1gbit,impetus,1,1,runs/a\n");
    IOException column = assertThrows(IOException.class, () -> ScaleoutCsv.read(noRate));
    assertTrue(column.getMessage().contains("has no column samples_per_second"), column.getMessage());
  }

  private static boolean uniform(BufferedImage image, int x0) {
    int first = image.getRGB(x0, 0);
    for (int y = 0; y < image.getHeight(); y += 3) {
      for (int x = x0; x < x0 + ScaleoutPlot.PANEL_WIDTH; x += 3) {
        if (image.getRGB(x, y) != first) {
          return false;
        }
      }
    }
    return true;
  }

}
