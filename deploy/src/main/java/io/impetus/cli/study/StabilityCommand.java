package io.impetus.cli.study;

import io.impetus.cli.Command;
import io.impetus.cli.Flags;
import io.impetus.cli.OptimizerFlags;
import io.impetus.cli.UsageException;
import io.impetus.study.output.RunFolderWriter;
import io.impetus.study.theory.StabilityPlot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.cli.Options;

/** {@code impetus study stability}: the stable region in the (alpha h, beta) plane for several delays, as a PNG. */
final class StabilityCommand implements Command {

  @Override
  public String name() {
    return "stability";
  }

  @Override
  public String summary() {
    return "draw the stable region of delayed heavy ball in the (alpha h, beta) plane for several delays";
  }

  @Override
  public String footer() {
    return "\nWrites runs/<time>-stability/ (or --out DIR): stability.png and command.txt.\n"
        + "Example: impetus study stability --delays 0,2,8 --out runs/stability";
  }

  @Override
  public Options options() {
    Options o = new Options();
    o.addOption(OptimizerFlags.valued("delays", "T[,T...]", "delays tau, one curve each (default 0,1,2,4,8,16)"));
    o.addOption(OptimizerFlags.valued("points", "N", "values of beta per curve (default 100)"));
    o.addOption(OptimizerFlags.valued("out", "DIR", "run folder, written with stability.png and command.txt (default runs/<time>-stability)"));
    return o;
  }

  @Override
  public int run(Flags f) throws Exception {
    List<Integer> taus = StudyFlags.list(f, "delays", Integer::parseInt, "whole numbers");
    if (taus.isEmpty()) {
      taus = List.of(0, 1, 2, 4, 8, 16);
    }
    if (taus.stream().anyMatch(t -> t < 0)) {
      throw new UsageException("--delays must be >= 0");
    }
    int points = f.integer("points", 100);
    if (points < 2) {
      throw new UsageException("--points must be >= 2");
    }
    Path png;
    String out = f.string("out");
    if (out != null && out.toLowerCase(java.util.Locale.ROOT).endsWith(".png")) {
      // The old meaning: --out named the PNG itself, in the current folder by default.
      f.deprecated("--out FILE.png", "--out DIR (a run folder, like every command's; the PNG is DIR/stability.png)");
      png = Path.of(out);
      if (png.toAbsolutePath().getParent() != null) {
        Files.createDirectories(png.toAbsolutePath().getParent());
      }
    } else {
      RunFolderWriter folder = new RunFolderWriter(RunFolderWriter.defaultDir(out, "stability"));
      folder.writeCommand(StudyFlags.echo("stability", f));
      png = folder.resolve("stability.png");
    }
    StabilityPlot.draw(png, taus.stream().mapToInt(Integer::intValue).toArray(), points);
    System.out.println("wrote " + png);
    return 0;
  }
}
