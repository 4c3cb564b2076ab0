package io.impetus.bench.scaleout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The report of {@code deploy/bench/scaleout.sh}: reads its CSV ({@link ScaleoutCsv}) and writes
 * {@code PREFIX.md}, a markdown table per link rate ({@link ScaleoutTable}), and {@code PREFIX.png},
 * samples/s against N with a panel per link rate ({@link ScaleoutPlot}). Run as
 * {@code impetus bench scaleout-report CSV PREFIX} or as this main class with the same two arguments.
 * A malformed CSV fails with a message naming the file and the line, and nothing is written.
 */
public final class ScaleoutReport {
  private ScaleoutReport() {}

  /** The two files a report consists of. */
  public record Written(Path markdown, Path png) {}

  /** {@code java -cp impetus.jar io.impetus.bench.scaleout.ScaleoutReport CSV PREFIX}; exit 2 on wrong arguments, 1 on a bad CSV. */
  public static void main(String[] args) {
    if (args.length != 2) {
      System.err.println("usage: ScaleoutReport CSV OUT_PREFIX   (writes OUT_PREFIX.md and OUT_PREFIX.png)");
      System.exit(2);
    }
    System.setProperty("java.awt.headless", "true");
    try {
      Written written = write(Path.of(args[0]), Path.of(args[1]));
      System.out.println("wrote " + written.markdown() + " and " + written.png());
    } catch (IOException e) {
      System.err.println("scaleout-report: " + e.getMessage());
      System.exit(1);
    }
  }

  /** Reads {@code csv} and writes the report next to {@code prefix} ({@code prefix.md}, {@code prefix.png}). */
  public static Written write(Path csv, Path prefix) throws IOException {
    List<ScaleoutGrid> grids = ScaleoutGrid.byLinkRate(ScaleoutCsv.read(csv));
    if (grids.isEmpty()) {
      throw new IOException(csv + ": no runs after the header");
    }
    Path absolute = prefix.toAbsolutePath();
    Path md = absolute.resolveSibling(absolute.getFileName() + ".md");
    Path png = absolute.resolveSibling(absolute.getFileName() + ".png");
    Path folder = absolute.getParent();
    if (folder != null) {
      Files.createDirectories(folder);
    }
    ScaleoutPlot.write(grids, png);
    Files.writeString(md, ScaleoutTable.markdown(grids, csv.getFileName().toString(),
        png.getFileName().toString()));
    return new Written(md, png);
  }
}
