package io.impetus.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.impetus.json.FiniteJson;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The folder a run leaves behind: {@code command.txt} (how to run it again), {@code summary.json}
 * (the figures), {@code metrics.csv} (one row per logged step per worker), {@code loss.png}, and
 * {@code logs/} and {@code workers/} with every process's output and files.
 */
final class RunFolder {
  private static final ObjectMapper JSON = FiniteJson.MAPPER;

  private final Path dir;

  RunFolder(Path dir) {
    this.dir = dir;
  }

  void writeCommand(List<String> args) throws IOException {
    StringBuilder sb = new StringBuilder("./impetus");
    for (String a : args) {
      sb.append(' ').append(a.matches("[A-Za-z0-9_./:,=+-]+") ? a : "'" + a.replace("'", "'\\''") + "'");
    }
    Files.writeString(dir.resolve("command.txt"), sb.append('\n').toString());
  }

  void writeSummary(Map<String, Object> summary) throws IOException {
    FiniteJson.write(dir.resolve("summary.json"), summary);
  }

  /** The workers' report files, null for a worker that wrote none. */
  List<JsonNode> workerReports(int workers) throws IOException {
    List<JsonNode> reports = new ArrayList<>();
    for (int r = 0; r < workers; r++) {
      Path p = dir.resolve("workers/worker-" + r + ".json");
      reports.add(Files.exists(p) ? JSON.readTree(p.toFile()) : null);
    }
    return reports;
  }

  /** Concatenates the workers' metrics files into metrics.csv, ordered by time. */
  void mergeMetrics(int workers) throws IOException {
    List<String[]> rows = new ArrayList<>();
    String header = null;
    for (int r = 0; r < workers; r++) {
      Path p = dir.resolve("workers/worker-" + r + ".csv");
      if (!Files.exists(p)) {
        continue;
      }
      List<String> lines = Files.readAllLines(p);
      if (lines.isEmpty()) {
        continue;
      }
      header = lines.get(0);
      for (String line : lines.subList(1, lines.size())) {
        if (!line.isBlank()) {
          rows.add(new String[] {line.substring(0, line.indexOf(',')), line});
        }
      }
    }
    rows.sort((a, b) -> Double.compare(Double.parseDouble(a[0]), Double.parseDouble(b[0])));
    try (BufferedWriter out = Files.newBufferedWriter(dir.resolve("metrics.csv"))) {
      out.write(header == null ? io.impetus.train.StepRecord.CSV_HEADER : header);
      out.newLine();
      for (String[] row : rows) {
        out.write(row[1]);
        out.newLine();
      }
    }
  }

  /** The designated evaluator's test accuracy after every epoch, from metrics.csv: [{epoch, step, test_loss, test_accuracy}]. */
  List<Map<String, Object>> accuracyByEpoch() throws IOException {
    List<String> lines = Files.readAllLines(dir.resolve("metrics.csv"));
    List<String> header = java.util.Arrays.asList(lines.get(0).split(","));
    int acc = header.indexOf("test_accuracy");
    int tl = header.indexOf("test_loss");
    List<Map<String, Object>> out = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",", -1);
      if (acc >= 0 && acc < f.length && !f[acc].isEmpty()) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("epoch", 0); // numbered below: the evaluator evaluates once per epoch, in order
        m.put("worker_step", Long.parseLong(f[header.indexOf("step")]));
        m.put("test_loss", Double.parseDouble(f[tl]));
        m.put("test_accuracy", Double.parseDouble(f[acc]));
        out.add(m);
      }
    }
    for (int i = 0; i < out.size(); i++) {
      out.get(i).put("epoch", i + 1);
    }
    return out;
  }

  /** Draws the designated evaluator's test accuracy after every epoch. */
  void plotAccuracy(String model) throws IOException {
    List<Map<String, Object>> points = accuracyByEpoch();
    XYChart chart = new XYChartBuilder().width(900).height(540).title("Test accuracy: " + model)
        .xAxisTitle("epoch").yAxisTitle("test accuracy").build();
    double[] x = points.stream().mapToDouble(p -> ((Number) p.get("epoch")).doubleValue()).toArray();
    double[] y = points.stream().mapToDouble(p -> (Double) p.get("test_accuracy")).toArray();
    if (x.length == 0) {
      x = new double[] {0};
      y = new double[] {0};
    }
    chart.addSeries("test accuracy", x, y);
    BitmapEncoder.saveBitmap(chart, dir.resolve("accuracy.png").toString(), BitmapEncoder.BitmapFormat.PNG);
  }

  /** Draws the minibatch loss of every worker against its step (log scale when all losses are positive). */
  void plotLoss(String model) throws IOException {
    Map<Integer, List<double[]>> series = new TreeMap<>();
    List<String> lines = Files.readAllLines(dir.resolve("metrics.csv"));
    boolean positive = true;
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",", -1);
      double loss = Double.parseDouble(f[4]);
      positive &= loss > 0;
      series.computeIfAbsent(Integer.parseInt(f[1]), k -> new ArrayList<>())
          .add(new double[] {Double.parseDouble(f[2]), loss});
    }
    XYChart chart = new XYChartBuilder().width(900).height(540).title("Training loss: " + model)
        .xAxisTitle("worker step").yAxisTitle("minibatch loss").build();
    chart.getStyler().setYAxisLogarithmic(positive && !series.isEmpty());
    chart.getStyler().setMarkerSize(0);
    for (Map.Entry<Integer, List<double[]>> e : series.entrySet()) {
      double[] x = e.getValue().stream().mapToDouble(v -> v[0]).toArray();
      double[] y = e.getValue().stream().mapToDouble(v -> v[1]).toArray();
      chart.addSeries("worker " + e.getKey(), x, y).setMarker(SeriesMarkers.NONE);
    }
    if (series.isEmpty()) {
      chart.addSeries("no data", new double[] {0}, new double[] {positive ? 1 : 0});
    }
    BitmapEncoder.saveBitmap(chart, dir.resolve("loss.png").toString(), BitmapEncoder.BitmapFormat.PNG);
  }
}
