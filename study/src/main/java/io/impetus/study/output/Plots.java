package io.impetus.study.output;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.ChartEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** XChart line plots saved as PNG, headless, in one house style. */
public final class Plots {
  private Plots() {}

  /** One named line. Non-finite and (on a log axis) non-positive points are dropped. */
  public record Line(String name, double[] x, double[] y) {}

  /** A line chart with the given axes; {@code logY} when every kept value is positive. */
  public static void lines(Path png, String title, String xTitle, String yTitle, List<Line> lines, boolean logY)
      throws IOException {
    XYChart chart = new XYChartBuilder().width(900).height(560).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
    style(chart);
    chart.getStyler().setYAxisLogarithmic(logY);
    int added = 0;
    for (Line line : lines) {
      double[][] kept = keep(line.x(), line.y(), logY);
      if (kept[0].length == 0) {
        continue;
      }
      XYSeries s = chart.addSeries(line.name(), kept[0], kept[1]);
      s.setMarker(kept[0].length <= 30 ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
      added++;
    }
    if (added == 0) {
      chart.addSeries("no finite data", new double[] {0}, new double[] {1});
    }
    save(chart, png);
  }

  /** Points without lines (one series per entry), e.g. measured against predicted. */
  public static void scatter(Path png, String title, String xTitle, String yTitle, List<Line> series) throws IOException {
    XYChart chart = new XYChartBuilder().width(900).height(560).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
    style(chart);
    chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    for (Line line : series) {
      double[][] kept = keep(line.x(), line.y(), false);
      if (kept[0].length > 0) {
        chart.addSeries(line.name(), kept[0], kept[1]);
      }
    }
    save(chart, png);
  }

  /** Common style: white background, legend outside on the right, thin lines. */
  public static void style(XYChart chart) {
    chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
    chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
    chart.getStyler().setMarkerSize(5);
    chart.getStyler().setPlotGridLinesVisible(true);
  }

  /** Saves any chart as PNG (the extension is added when missing). */
  public static void save(Chart<?, ?> chart, Path png) throws IOException {
    Path file = png.toString().endsWith(".png") ? png : png.resolveSibling(png.getFileName() + ".png");
    try (OutputStream out = Files.newOutputStream(file)) {
      ChartEncoder.saveChart(chart, out, "png"); // XChart 4's encoder (BitmapEncoder is deprecated)
    }
  }

  private static double[][] keep(double[] x, double[] y, boolean positive) {
    int n = 0;
    for (int i = 0; i < x.length; i++) {
      if (ok(x[i], y[i], positive)) {
        n++;
      }
    }
    double[][] out = new double[2][n];
    int j = 0;
    for (int i = 0; i < x.length; i++) {
      if (ok(x[i], y[i], positive)) {
        out[0][j] = x[i];
        out[1][j] = y[i];
        j++;
      }
    }
    return out;
  }

  private static boolean ok(double x, double y, boolean positive) {
    return Double.isFinite(x) && Double.isFinite(y) && (!positive || y > 0);
  }
}
