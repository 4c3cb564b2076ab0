package io.impetus.cli.study;

import io.impetus.cli.Command;
import io.impetus.cli.Flags;
import io.impetus.cli.UsageException;
import io.impetus.study.report.ReportWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.cli.Options;

/** {@code impetus study report RUN_DIR}: writes report.md for a study run folder. */
final class ReportCommand implements Command {

  @Override
  public String name() {
    return "report";
  }

  @Override
  public String summary() {
    return "write report.md (settings, tables, figures) for a study run folder";
  }

  @Override
  public String positional() {
    return "RUN_DIR";
  }

  @Override
  public Options options() {
    return new Options();
  }

  @Override
  public int run(Flags f) throws Exception {
    if (f.positional().size() != 1) {
      throw new UsageException("give exactly one RUN_DIR");
    }
    Path dir = Path.of(f.positional().get(0));
    if (!Files.isDirectory(dir)) {
      throw new UsageException("no such folder: " + dir);
    }
    System.out.println("wrote " + ReportWriter.write(dir));
    return 0;
  }
}
