package io.impetus.bench.scaleout;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntToDoubleFunction;
import javax.imageio.ImageIO;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The scale-out plot: one PNG with a panel per link rate, side by side, each drawing samples/s against
 * the worker count N with a line per Impetus shard count S and PyTorch's server as a dashed line.
 * Failed and absent settings are left out of their line.
 */
public final class ScaleoutPlot {
  /** Size of one panel in pixels. */
  static final int PANEL_WIDTH = 640;
  static final int PANEL_HEIGHT = 480;

  private ScaleoutPlot() {}

  /** Draws {@code grids} into {@code png} (overwritten). */
  public static void write(List<ScaleoutGrid> grids, Path png) throws IOException {
    BufferedImage image = new BufferedImage(PANEL_WIDTH * Math.max(1, grids.size()), PANEL_HEIGHT,
        BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, image.getWidth(), image.getHeight());
      for (int i = 0; i < grids.size(); i++) {
        Graphics2D panel = (Graphics2D) g.create(i * PANEL_WIDTH, 0, PANEL_WIDTH, PANEL_HEIGHT);
        try {
          chart(grids.get(i)).paint(panel, PANEL_WIDTH, PANEL_HEIGHT);
        } finally {
          panel.dispose();
        }
      }
    } finally {
      g.dispose();
    }
    if (!ImageIO.write(image, "png", png.toFile())) {
      throw new IOException("no PNG writer in this Java runtime for " + png);
    }
  }

  /** One link rate's panel. */
  static XYChart chart(ScaleoutGrid grid) {
    XYChart chart = new XYChartBuilder().width(PANEL_WIDTH).height(PANEL_HEIGHT)
        .title("Link rate " + grid.linkRate()).xAxisTitle("workers N").yAxisTitle("samples/s").build();
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
    chart.getStyler().setPlotGridLinesVisible(true);
    chart.getStyler().setYAxisMin(0.0);
    chart.getStyler().setMarkerSize(7);
    boolean drawn = false;
    for (int s : grid.shards()) {
      drawn |= addLine(chart, "Impetus S=" + s, grid, n -> grid.impetus(s, n), false);
    }
    drawn |= addLine(chart, "PyTorch RPC PS", grid, grid::pytorch, true);
    if (!drawn) {
      chart.addSeries("no successful run", new double[] {0}, new double[] {0});
    }
    return chart;
  }

  /** Adds the line of {@code rate} over the grid's N where it has a value; whether there was any. */
  private static boolean addLine(XYChart chart, String name, ScaleoutGrid grid, IntToDoubleFunction rate, boolean dashed) {
    List<double[]> points = new ArrayList<>();
    for (int n : grid.workers()) {
      double value = rate.applyAsDouble(n);
      if (Double.isFinite(value)) {
        points.add(new double[] {n, value});
      }
    }
    if (points.isEmpty()) {
      return false;
    }
    XYSeries series = chart.addSeries(name, points.stream().mapToDouble(p -> p[0]).toArray(),
        points.stream().mapToDouble(p -> p[1]).toArray());
    series.setMarker(dashed ? SeriesMarkers.DIAMOND : SeriesMarkers.CIRCLE);
    if (dashed) {
      series.setLineStyle(SeriesLines.DASH_DASH);
      series.setLineColor(Color.DARK_GRAY);
      series.setMarkerColor(Color.DARK_GRAY);
    }
    return true;
  }
}
