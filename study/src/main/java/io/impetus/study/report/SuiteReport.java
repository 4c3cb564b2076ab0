package io.impetus.study.report;

import com.fasterxml.jackson.databind.JsonNode;
import io.impetus.study.experiments.ExperimentSuite;
import io.impetus.study.output.RunFolderWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.commonmark.Extension;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.node.Image;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.HtmlRenderer;

/**
 * The report of a whole suite ({@code impetus study run all}): {@code report.md}, readable on GitHub
 * with the figures linked from the experiments' folders, and {@code report.html}, the same text with
 * the figures embedded, one file to mail or archive. For each experiment: the claim, the literature it
 * comes from, the verdict with the numbers that decided it, the setting, the key table, the figures
 * and the command that reproduces it alone; for one that did not run, why.
 */
public final class SuiteReport {
  /** Rows of an experiment's table shown here; its own report has them all. */
  static final int TABLE_ROWS = 12;

  private SuiteReport() {}

  /**
   * Writes {@code suiteDir/report.md} and {@code suiteDir/report.html} and returns the markdown's path.
   *
   * @param command the command that ran the suite
   * @param quick whether the experiments ran their quick grids (the report says so at the top)
   */
  public static Path write(Path suiteDir, String command, boolean quick, List<ExperimentSuite.Entry> entries)
      throws IOException {
    String md = markdown(suiteDir, command, quick, entries);
    Path report = suiteDir.resolve("report.md");
    Files.writeString(report, md);
    Files.writeString(suiteDir.resolve("report.html"), html(md, suiteDir));
    return report;
  }

  static String markdown(Path suiteDir, String command, boolean quick, List<ExperimentSuite.Entry> entries)
      throws IOException {
    StringBuilder md = new StringBuilder("# Impetus study: the named experiments\n\n");
    md.append("Produced by:\n\n```\n").append(command).append("\n```\n\n");
    if (quick) {
      md.append("These are the quick grids (seconds each, fewer seeds and settings): a smoke test of the claims,"
          + " not the evidence. Without `--quick` the full grids run.\n\n");
    }
    md.append("| experiment | verdict | deciding number |\n|---|---|---|\n");
    for (ExperimentSuite.Entry e : entries) {
      String deciding = e.outcome() != null && !e.outcome().evidence().isEmpty() ? e.outcome().evidence().get(0)
          : e.notRun() == null ? "" : e.notRun();
      md.append("| ").append(e.experiment().name()).append(" | ").append(e.verdict().label()).append(" | ")
          .append(deciding.replace("|", "\\|").replace("\n", " ")).append(" |\n");
    }
    md.append('\n');
    for (ExperimentSuite.Entry e : entries) {
      section(md, suiteDir, e);
    }
    return md.toString();
  }

  private static void section(StringBuilder md, Path suiteDir, ExperimentSuite.Entry e) throws IOException {
    String name = e.experiment().name();
    md.append("## ").append(name).append("\n\n");
    md.append("**Claim.** ").append(e.experiment().claim()).append("\n\n");
    md.append("**Literature.** ").append(e.experiment().literature()).append("\n\n");
    md.append("**Verdict.** ").append(e.verdict().label());
    if (e.outcome() == null) {
      md.append(": ").append(e.notRun()).append("\n\n");
    } else {
      md.append(" by this run.\n\n");
      for (String line : e.outcome().evidence()) {
        md.append("- ").append(line).append('\n');
      }
      md.append('\n');
      Path summaryFile = e.dir().resolve("summary.json");
      if (Files.exists(summaryFile)) {
        JsonNode summary = RunFolderWriter.JSON.readTree(summaryFile.toFile());
        md.append("**Setting.**\n\n").append(ReportWriter.settingsTable(summary)).append('\n');
        JsonNode table = summary.path("table");
        if (table.isArray() && !table.isEmpty()) {
          md.append("**Key table.**\n\n").append(ReportWriter.jsonTable(firstRows(table))).append('\n');
          if (table.size() > TABLE_ROWS) {
            md.append("The first ").append(TABLE_ROWS).append(" of ").append(table.size())
                .append(" rows; all of them in its own report.\n\n");
          }
        }
      }
      for (Path png : figures(e.dir())) {
        String link = suiteDir.relativize(png).toString().replace('\\', '/');
        md.append("![").append(png.getFileName()).append("](").append(link).append(")\n\n");
      }
    }
    md.append("**Reproduce alone.**\n\n```\n").append(e.command()).append("\n```\n\n");
    if (Files.exists(e.dir().resolve("report.md"))) {
      md.append("Its own report: [").append(name).append("/report.md](").append(name).append("/report.md)\n\n");
    }
  }

  private static JsonNode firstRows(JsonNode table) {
    var rows = RunFolderWriter.JSON.createArrayNode();
    for (int i = 0; i < Math.min(TABLE_ROWS, table.size()); i++) {
      rows.add(table.get(i));
    }
    return rows;
  }

  private static List<Path> figures(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.toString().endsWith(".png")).sorted().toList();
    }
  }

  /** The markdown as a standalone HTML page, every image that is a file under {@code base} embedded as a data URI. */
  static String html(String markdown, Path base) {
    List<Extension> extensions = List.of(TablesExtension.create());
    Parser parser = Parser.builder().extensions(extensions).build();
    HtmlRenderer renderer = HtmlRenderer.builder().extensions(extensions)
        .attributeProviderFactory(context -> (node, tag, attributes) -> {
          if (node instanceof Image image) {
            attributes.put("src", embedded(base, image.getDestination()));
          }
        })
        .build();
    return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        + "<title>Impetus study: the named experiments</title>\n<style>\n"
        + "body { font-family: sans-serif; max-width: 60em; margin: 2em auto; padding: 0 1em; line-height: 1.45; }\n"
        + "table { border-collapse: collapse; margin: 1em 0; } th, td { border: 1px solid #ccc; padding: 0.2em 0.5em; }\n"
        + "pre { background: #f4f4f4; padding: 0.6em; overflow-x: auto; } img { max-width: 100%; }\n"
        + "</style>\n</head>\n<body>\n" + renderer.render(parser.parse(markdown)) + "</body>\n</html>\n";
  }

  /** A PNG under {@code base} as a data URI, so the page needs no other file; anything else as it is. */
  private static String embedded(Path base, String destination) {
    Path file = base.resolve(destination).normalize();
    if (!destination.endsWith(".png") || !file.startsWith(base.normalize()) || !Files.isRegularFile(file)) {
      return destination;
    }
    try {
      return "data:image/png;base64," + Base64.getEncoder().encodeToString(Files.readAllBytes(file));
    } catch (IOException unreadable) {
      return destination;
    }
  }
}
