package io.impetus.bench.scaleout;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The markdown of the scale-out report: per link rate a heading and a table with a row per worker
 * count N and the columns S=1, S=2, ... (Impetus) and PyTorch (its RPC parameter server), each cell
 * samples/s rounded to a whole number ({@code failed} for a setting whose runs all failed, blank for
 * one that was not run).
 */
public final class ScaleoutTable {
  private ScaleoutTable() {}

  /** The report: a line naming the source, then every grid's section, each followed by {@code pngName}'s image. */
  public static String markdown(List<ScaleoutGrid> grids, String csvName, String pngName) {
    StringBuilder md = new StringBuilder();
    md.append("Samples/s by workers N (rows) and Impetus shards S (columns), PyTorch's RPC parameter server beside,")
        .append(" from `").append(csvName).append("` (median where a setting ran more than once).\n");
    for (ScaleoutGrid grid : grids) {
      md.append("\n### Link rate ").append(grid.linkRate()).append("\n\n");
      md.append(table(grid));
    }
    md.append("\n![samples/s against N, a line per S, PyTorch beside](").append(pngName).append(")\n");
    return md.toString();
  }

  /** One grid's table, header and separator included, each line ended by a line break. */
  static String table(ScaleoutGrid grid) {
    List<String> header = new ArrayList<>();
    header.add("N");
    grid.shards().forEach(s -> header.add("S=" + s));
    if (grid.hasPytorch()) {
      header.add("PyTorch");
    }
    StringBuilder md = new StringBuilder(row(header));
    md.append(row(header.stream().map(h -> "---").toList()));
    for (int n : grid.workers()) {
      List<String> cells = new ArrayList<>();
      cells.add(Integer.toString(n));
      grid.shards().forEach(s -> cells.add(cell(grid.impetus(s, n))));
      if (grid.hasPytorch()) {
        cells.add(cell(grid.pytorch(n)));
      }
      md.append(row(cells));
    }
    return md.toString();
  }

  private static String row(List<String> cells) {
    return "| " + String.join(" | ", cells) + " |\n";
  }

  private static String cell(double samplesPerSecond) {
    if (samplesPerSecond == ScaleoutGrid.ABSENT) {
      return "";
    }
    return Double.isNaN(samplesPerSecond) ? "failed" : String.format(Locale.ROOT, "%,.0f", samplesPerSecond);
  }
}
