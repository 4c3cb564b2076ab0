package io.impetus.study.output;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.impetus.json.FiniteJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

/**
 * Writes a study run folder in the layout of {@code impetus local}'s: {@code command.txt} (the exact
 * command, runnable again), {@code summary.json} (the figures), {@code metrics.csv} (the series) and
 * PNG plots beside them. A small copy of the launcher's writer, so the study does not depend on the
 * deploy module.
 */
public final class RunFolderWriter {
  /** Pretty-printed JSON without NaN or Infinity ({@link FiniteJson}), shared by everything the study writes. */
  public static final ObjectMapper JSON = FiniteJson.MAPPER;

  private final Path dir;

  /** Creates {@code dir} (and parents) if needed. */
  public RunFolderWriter(Path dir) throws IOException {
    this.dir = Files.createDirectories(dir);
  }

  /** {@code runs/<timestamp>-<name>} under the working directory, or {@code out} if given. */
  public static Path defaultDir(String out, String name) {
    if (out != null) {
      return Path.of(out);
    }
    String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    return Path.of("runs", stamp + "-" + name);
  }

  public Path dir() {
    return dir;
  }

  /** {@code command.txt}: {@code ./impetus} and the arguments, quoted for a POSIX shell where needed. */
  public void writeCommand(List<String> args) throws IOException {
    Files.writeString(dir.resolve("command.txt"), commandLine(args) + "\n");
  }

  /** {@code ./impetus} and {@code args}, each quoted for a POSIX shell where it needs to be. */
  public static String commandLine(List<String> args) {
    StringBuilder sb = new StringBuilder("./impetus");
    for (String a : args) {
      sb.append(' ').append(a.matches("[A-Za-z0-9_./:,=+-]+") ? a : "'" + a.replace("'", "'\\''") + "'");
    }
    return sb.toString();
  }

  /** {@code summary.json}. */
  public void writeSummary(Map<String, Object> summary) throws IOException {
    FiniteJson.write(dir.resolve("summary.json"), summary);
  }

  /** A text file in the folder, e.g. {@code metrics.csv}. */
  public Path writeText(String name, String text) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, text);
    return p;
  }

  /** The path of a file in the folder. */
  public Path resolve(String name) {
    return dir.resolve(name);
  }
}
