package io.impetus.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.impetus.csv.CsvTable;
import io.impetus.json.FiniteJson;
import io.impetus.study.output.Plots;
import io.impetus.train.StepRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The folder a run leaves behind: {@code command.txt} (how to run it again), {@code summary.json}
 * (the figures), {@code metrics.csv} (one row per logged step per worker), {@code staleness.csv} (one
 * row per applied update, see {@link StalenessCsv}), {@code loss.png}, {@code checkpoints/} (the
 * shards' checkpoints, at least the final one, which {@code impetus export} reads), and
 * {@code logs/} and {@code workers/} with every process's output and files.
 */
final class RunFolder {
  private static final ObjectMapper JSON = FiniteJson.MAPPER;

  private final Path dir;

  RunFolder(Path dir) {
    this.dir = dir;
  }

  /** Deletes {@code folder} and everything in it, if it exists. */
  static void deleteTree(Path folder) throws IOException {
    if (!Files.exists(folder)) {
      return;
    }
    try (java.util.stream.Stream<Path> paths = Files.walk(folder)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  void writeCommand(List<String> args) throws IOException {
    StringBuilder sb = new StringBuilder("./impetus");
    for (String a : args) {
      sb.append(' ').append(a.matches("[A-Za-z0-9_./:,=+-]+") ? a : "'" + a.replace("'", "'\\''") + "'");
    }
    Files.writeString(dir.resolve("command.txt"), sb.append('\n').toString());
  }

  /**
   * Appends to command.txt a comment line saying that the run was resumed from checkpoint
   * {@code version} at {@code at} (the first line stays the command that planned the run).
   */
  void recordResume(long version, String at) throws IOException {
    Files.writeString(dir.resolve("command.txt"), "# resumed from checkpoint version " + version + " at " + at
        + ": ./impetus local --resume " + dir + "\n", java.nio.file.StandardOpenOption.APPEND);
  }

  /** The command that planned the run: command.txt's first line, without {@code ./impetus}. */
  static List<String> plannedCommand(Path runDir) throws IOException {
    Path file = runDir.resolve("command.txt");
    if (!Files.exists(file)) {
      throw new IllegalArgumentException("--resume: " + runDir + " is not a run folder (it has no command.txt)");
    }
    String line = Files.readAllLines(file).stream().findFirst().orElse("");
    List<String> words = ShellWords.split(line);
    if (words.size() < 2 || !words.get(0).endsWith("impetus") || !words.get(1).equals("local")) {
      throw new IllegalArgumentException("--resume: " + file + " does not start with an impetus local command");
    }
    return words.subList(1, words.size());
  }

  /**
   * Before a resumed run's workers start: keeps, of every worker's metrics rows so far, those of the
   * steps before the step it resumes at (the later ones are taken again) in
   * {@code workers/worker-R-before-resume.csv}, which {@link #mergeMetrics} puts in front of the new rows.
   */
  void keepMetricsBefore(List<Long> startSteps) throws IOException {
    for (int r = 0; r < startSteps.size(); r++) {
      List<String> header = null;
      List<List<String>> kept = new ArrayList<>();
      for (Path p : List.of(beforeResume(r), workerMetrics(r))) {
        CsvTable table = readRowsIfAny(p);
        if (table == null) {
          continue;
        }
        header = table.header();
        int step = table.column("step");
        for (CsvTable.Row row : table.rows()) {
          if (row.integer(step) < startSteps.get(r)) {
            kept.add(row.values());
          }
        }
      }
      Files.deleteIfExists(workerMetrics(r));
      if (header != null) {
        CsvTable.write(beforeResume(r), header, kept);
      }
    }
  }

  private Path beforeResume(int r) {
    return dir.resolve("workers/worker-" + r + "-before-resume.csv");
  }

  private Path workerMetrics(int r) {
    return RunLayout.workerMetrics(dir, r);
  }

  /** A worker's metrics file without a torn last row; null when it is missing or has no header. */
  private static CsvTable readRowsIfAny(Path p) throws IOException {
    if (!Files.exists(p)) {
      return null;
    }
    CsvTable table = CsvTable.readDroppingTornTail(p);
    return table.header().isEmpty() ? null : table;
  }

  void writeSummary(Map<String, Object> summary) throws IOException {
    FiniteJson.write(dir.resolve("summary.json"), summary);
  }

  /**
   * The workers' report files, null for a worker that wrote none, or only part of one (a worker
   * killed while writing it): either way it did not finish.
   */
  List<JsonNode> workerReports(int workers) throws IOException {
    List<JsonNode> reports = new ArrayList<>();
    for (int r = 0; r < workers; r++) {
      reports.add(workerReport(RunLayout.workerReport(dir, r)));
    }
    return reports;
  }

  /** The report in {@code file}; null when it is missing or not a whole JSON object. */
  static JsonNode workerReport(Path file) throws IOException {
    if (!Files.exists(file)) {
      return null;
    }
    try {
      JsonNode report = JSON.readTree(file.toFile());
      return report != null && report.isObject() ? report : null;
    } catch (com.fasterxml.jackson.core.JsonProcessingException torn) {
      return null;
    }
  }

  /**
   * Concatenates the workers' metrics files into metrics.csv, ordered by time (the first column). A
   * worker killed mid-run may leave a torn last row: it is left out. The rows are written back as
   * they were read (numbers need no quotes, so each line comes out byte for byte).
   */
  void mergeMetrics(int workers) throws IOException {
    List<Object[]> rows = new ArrayList<>(); // {time, fields}
    List<String> header = null;
    List<Path> files = new ArrayList<>();
    for (int r = 0; r < workers; r++) {
      files.add(beforeResume(r));
      files.add(workerMetrics(r));
    }
    for (Path p : files) {
      CsvTable table = readRowsIfAny(p);
      if (table == null) {
        continue;
      }
      header = table.header();
      for (CsvTable.Row row : table.rows()) {
        rows.add(new Object[] {row.number(0), row.values()});
      }
    }
    rows.sort((a, b) -> Double.compare((Double) a[0], (Double) b[0]));
    CsvTable.write(dir.resolve("metrics.csv"), header == null ? List.of(StepRecord.CSV_HEADER.split(",")) : header,
        rows.stream().map(r -> (List<?>) r[1]).toList());
  }

  /** The designated evaluator's test accuracy after every epoch, from metrics.csv: [{epoch, step, test_loss, test_accuracy}]. */
  List<Map<String, Object>> accuracyByEpoch() throws IOException {
    CsvTable metrics = CsvTable.read(dir.resolve("metrics.csv"));
    List<Map<String, Object>> out = new ArrayList<>();
    if (!metrics.hasColumn("test_accuracy")) {
      return out;
    }
    int acc = metrics.column("test_accuracy");
    for (CsvTable.Row row : metrics.rows()) {
      if (!row.get(acc).isEmpty()) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("epoch", 0); // numbered below: the evaluator evaluates once per epoch, in order
        m.put("worker_step", row.integer(metrics.column("step")));
        m.put("test_loss", row.number(metrics.column("test_loss")));
        m.put("test_accuracy", row.number(acc));
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
    Plots.save(chart, dir.resolve("accuracy.png"));
  }

  /** Draws the minibatch loss of every worker against its step (log scale when all losses are positive). */
  void plotLoss(String model) throws IOException {
    Map<Integer, List<double[]>> series = new TreeMap<>();
    CsvTable metrics = CsvTable.read(dir.resolve("metrics.csv"));
    boolean positive = true;
    if (!metrics.rows().isEmpty()) {
      int lossColumn = metrics.column("loss");
      int worker = metrics.column("worker");
      int step = metrics.column("step");
      for (CsvTable.Row row : metrics.rows()) {
        double loss = row.number(lossColumn);
        positive &= loss > 0;
        series.computeIfAbsent((int) row.integer(worker), k -> new ArrayList<>())
            .add(new double[] {row.number(step), loss});
      }
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
    Plots.save(chart, dir.resolve("loss.png"));
  }
}
