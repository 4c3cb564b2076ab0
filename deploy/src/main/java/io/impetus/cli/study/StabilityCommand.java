package io.impetus.cli.study;

import io.impetus.cli.Command;
import io.impetus.cli.Flags;
import io.impetus.cli.OptimizerFlags;
import io.impetus.cli.UsageException;
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
  public Options options() {
    Options o = new Options();
    o.addOption(OptimizerFlags.valued("delays", "T[,T...]", "delays tau, one curve each (default 0,1,2,4,8,16)"));
    o.addOption(OptimizerFlags.valued("points", "N", "values of beta per curve (default 100)"));
    o.addOption(OptimizerFlags.valued("out", "FILE", "the PNG to write (default stability.png)"));
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
    Path png = Path.of(f.stringOr("out", "stability.png"));
    if (png.toAbsolutePath().getParent() != null) {
      Files.createDirectories(png.toAbsolutePath().getParent());
    }
    StabilityPlot.draw(png, taus.stream().mapToInt(Integer::intValue).toArray(), points);
    System.out.println("wrote " + png);
    return 0;
  }
}
