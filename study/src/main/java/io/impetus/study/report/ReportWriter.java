package io.impetus.study.report;

import com.fasterxml.jackson.databind.JsonNode;
import io.impetus.csv.CsvTable;
import io.impetus.study.output.RunFolderWriter;
import io.impetus.study.simulate.Fmt;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Writes {@code report.md} for a study run folder (simulate, sweep or named experiment), readable on
 * GitHub: the settings from {@code summary.json}, the claim and verdict of an experiment, a table of
 * {@code results.csv} summarized per setting (median steps to target, mean final loss, diverged
 * runs), and every PNG of the folder, linked relatively so the folder can be moved or committed.
 */
public final class ReportWriter {
  private ReportWriter() {}

  /** Writes {@code dir/report.md} and returns its path. */
  public static Path write(Path dir) throws IOException {
    Path summaryFile = dir.resolve("summary.json");
    if (!Files.exists(summaryFile)) {
      throw new IllegalArgumentException(dir + " has no summary.json (is it a study run folder?)");
    }
    JsonNode summary = RunFolderWriter.JSON.readTree(summaryFile.toFile());
    StringBuilder md = new StringBuilder();
    String kind = summary.path("kind").asText("run");
    md.append("# Study report: ").append(kind).append(summary.has("experiment") ? " `" + summary.get("experiment").asText() + "`" : "")
        .append("\n\n");
    if (Files.exists(dir.resolve("command.txt"))) {
      md.append("Produced by:\n\n```\n").append(Files.readString(dir.resolve("command.txt")).trim()).append("\n```\n\n");
    }
    if (summary.has("claim")) {
      md.append("**Claim.** ").append(summary.get("claim").asText()).append("\n\n");
      md.append("**Verdict.** ").append(summary.path("supported").asBoolean() ? "supported" : "NOT supported").append(" by this run.\n\n");
      for (JsonNode line : summary.path("evidence")) {
        md.append("- ").append(line.asText()).append('\n');
      }
      md.append('\n');
    }
    md.append("## Settings\n\n").append(settingsTable(summary)).append('\n');
    if (summary.has("table")) {
      md.append("## Measurements\n\n").append(jsonTable(summary.get("table"))).append('\n');
    }
    if (summary.has("best_momentum")) {
      md.append("## Best momentum\n\n").append(jsonTable(summary.get("best_momentum"))).append('\n');
    }
    if (Files.exists(dir.resolve("results.csv"))) {
      md.append("## Results per setting (over seeds)\n\n").append(resultsTable(dir.resolve("results.csv"))).append('\n');
      md.append("One row per cell, every setting and seed: [results.csv](results.csv).\n\n");
    }
    List<Path> pngs;
    try (Stream<Path> s = Files.list(dir)) {
      pngs = s.filter(p -> p.toString().endsWith(".png")).sorted().toList();
    }
    if (!pngs.isEmpty()) {
      md.append("## Figures\n\n");
      for (Path p : pngs) {
        String name = p.getFileName().toString();
        md.append("### ").append(name.replace(".png", "")).append("\n\n![").append(name).append("](").append(name).append(")\n\n");
      }
    }
    md.append("## How to read this\n\n")
        .append("- *steps to target*: the first update whose loss is at or below the target loss; `—` means not reached.\n")
        .append("- *final loss*: the loss averaged over the last 10% of updates (smooths gradient noise), averaged over seeds;\n")
        .append("  `inf` means at least one seed diverged.\n")
        .append("- *delay* `fixed:τ` every gradient τ updates old; `uniform:s` uniform on 0..s; `geometric:M` mean M−1;\n")
        .append("  `round-robin:M` M workers in turn (τ = M−1).\n");
    Path report = dir.resolve("report.md");
    Files.writeString(report, md.toString());
    return report;
  }

  /** A markdown table of a study summary's settings: every field but the claim, verdict and results. */
  static String settingsTable(JsonNode summary) {
    StringBuilder md = new StringBuilder("| setting | value |\n|---|---|\n");
    for (Map.Entry<String, JsonNode> e : summary.properties()) {
      if (List.of("kind", "claim", "supported", "evidence", "experiment", "best_momentum", "staleness", "table").contains(e.getKey())) {
        continue;
      }
      md.append("| ").append(e.getKey()).append(" | ").append(cell(e.getValue())).append(" |\n");
    }
    return md.toString();
  }

  private static String cell(JsonNode v) {
    String s = v.isValueNode() ? v.asText() : v.toString();
    return s.replace("|", "\\|");
  }

  /** A markdown table of a JSON array of flat objects. */
  static String jsonTable(JsonNode rows) {
    if (!rows.isArray() || rows.isEmpty()) {
      return "";
    }
    List<String> cols = new ArrayList<>();
    // A "<col>_note" field explains a null number in <col> (FiniteJson): shown in its place, not as a column.
    rows.get(0).fieldNames().forEachRemaining(c -> {
      if (!c.endsWith(io.impetus.json.FiniteJson.NOTE)) {
        cols.add(c);
      }
    });
    StringBuilder sb = new StringBuilder("| ").append(String.join(" | ", cols)).append(" |\n|");
    sb.append("---|".repeat(cols.size())).append('\n');
    for (JsonNode r : rows) {
      sb.append('|');
      for (String c : cols) {
        JsonNode v = r.get(c);
        JsonNode note = r.get(c + io.impetus.json.FiniteJson.NOTE);
        String text = v == null ? "" : v.isNumber() ? Fmt.num(v.asDouble())
            : v.isNull() ? (note == null ? "" : cell(note)) : cell(v);
        sb.append(' ').append(text).append(" |");
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  private static String resultsTable(Path csv) throws IOException {
    CsvTable table = CsvTable.read(csv);
    Map<List<String>, List<CsvTable.Row>> groups = new LinkedHashMap<>();
    int opt = -1;
    int lr = -1;
    int delay = -1;
    int mom = -1;
    int steps = -1;
    int tail = -1;
    int div = -1;
    int pol = table.hasColumn("policy") ? table.column("policy") : -1;
    if (!table.rows().isEmpty()) {
      opt = table.column("optimizer");
      lr = table.column("lr");
      delay = table.column("delay");
      mom = table.column("momentum");
      steps = table.column("steps_to_target");
      tail = table.column("tail_loss");
      div = table.column("diverged");
    }
    for (CsvTable.Row f : table.rows()) {
      groups.computeIfAbsent(List.of(f.get(opt), f.get(lr), f.get(delay), f.get(mom), pol < 0 ? "" : f.get(pol)),
          k -> new ArrayList<>()).add(f);
    }
    StringBuilder sb = new StringBuilder(
        "| optimizer | lr | delay | momentum | policy | seeds | reached | median steps to target | final loss | diverged |\n"
            + "|---|---|---|---|---|---|---|---|---|---|\n");
    for (List<CsvTable.Row> g : groups.values()) {
      List<Double> reached = new ArrayList<>();
      double tailSum = 0;
      int diverged = 0;
      for (CsvTable.Row f : g) {
        if (!f.get(steps).isEmpty()) {
          reached.add(f.number(steps));
        }
        tailSum += f.number(tail); // "Infinity" and "NaN" parse as themselves
        diverged += f.get(div).equals("yes") ? 1 : 0;
      }
      reached.sort(null);
      String median = reached.size() * 2 > g.size() ? Fmt.num(medianWithMisses(reached, g.size())) : "—";
      CsvTable.Row f = g.get(0);
      sb.append("| ").append(f.get(opt)).append(" | ").append(f.get(lr)).append(" | ").append(f.get(delay)).append(" | ")
          .append(f.get(mom)).append(" | ").append(pol < 0 ? "none" : f.get(pol)).append(" | ").append(g.size()).append(" | ").append(reached.size()).append(" | ").append(median).append(" | ")
          .append(Fmt.num(tailSum / g.size())).append(" | ").append(diverged).append(" |\n");
    }
    return sb.toString();
  }

  /** The median when the misses count as infinite (only called when more than half reached). */
  private static double medianWithMisses(List<Double> reached, int n) {
    double[] all = new double[n];
    for (int i = 0; i < n; i++) {
      all[i] = i < reached.size() ? reached.get(i) : Double.POSITIVE_INFINITY;
    }
    return n % 2 == 1 ? all[n / 2] : 0.5 * (all[n / 2 - 1] + all[n / 2]);
  }
}
