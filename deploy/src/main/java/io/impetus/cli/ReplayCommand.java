package io.impetus.cli;

import io.impetus.optim.GoldenTrace;
import io.impetus.optim.ReplayResult;
import io.impetus.optim.TraceReplay;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.cli.Options;

/** {@code impetus replay}: runs PyTorch optimizer traces through our optimizers and compares. */
public final class ReplayCommand implements Command {

  @Override
  public String name() {
    return "replay";
  }

  @Override
  public String summary() {
    return "check our optimizers against PyTorch optimizer traces";
  }

  @Override
  public String positional() {
    return "FILE...";
  }

  @Override
  public String footer() {
    return "\nEach FILE is a trace in the format of the repository's parameter-server/src/test/resources/golden/optim\n"
        + "(init_params, grads, params_after_step; its README.md describes the fields).\n"
        + "Prints per file the largest absolute error and ULP distance; exits 0 only if every file is within\n"
        + "tolerance (|ours - torch| <= atol + rtol * |torch|).\n"
        + "A FILE may also be a folder of traces; index.json files are skipped.\n"
        + "Example: impetus replay parameter-server/src/test/resources/golden/optim";
  }

  @Override
  public Options options() {
    Options o = new Options();
    o.addOption(OptimizerFlags.valued("rtol", "R", "relative tolerance (default 1e-5)"));
    o.addOption(OptimizerFlags.valued("atol", "A", "absolute tolerance (default 1e-5)"));
    return o;
  }

  @Override
  public int run(Flags flags) throws Exception {
    if (flags.positional().isEmpty()) {
      throw new UsageException("give at least one trace FILE");
    }
    double rtol = flags.number("rtol", 1e-5);
    double atol = flags.number("atol", 1e-5);
    List<Path> files = new ArrayList<>();
    for (String arg : flags.positional()) {
      Path path = Path.of(arg);
      if (Files.isDirectory(path)) {
        files.addAll(GoldenTrace.filesIn(path));
      } else if (path.getFileName().toString().equals("index.json")) {
        System.out.println("skipping " + path + ": the folder's index of traces, not a trace");
      } else {
        files.add(path);
      }
    }
    if (files.isEmpty()) {
      throw new UsageException("no trace files among the arguments");
    }
    int failed = 0;
    System.out.printf("%-40s %6s %6s %14s %8s %9s  %s%n", "file", "n", "steps", "max_abs_error", "max_ulp", "differing", "result");
    for (Path path : files) {
      ReplayResult r;
      try {
        r = TraceReplay.replay(path);
      } catch (Exception e) {
        System.out.printf("%-40s error: %s%n", path.getFileName(), e.getMessage());
        failed++;
        continue;
      }
      boolean ok = r.withinTolerance(rtol, atol);
      if (!ok) {
        failed++;
      }
      System.out.printf("%-40s %6d %6d %14.3e %8d %9d  %s%n",
          path.getFileName(), r.n(), r.steps(), r.maxAbsError(), r.maxUlp(), r.differingValues(), ok ? "ok" : "FAIL");
    }
    System.out.printf("%d of %d traces within rtol %.1e / atol %.1e%n",
        files.size() - failed, files.size(), rtol, atol);
    return failed == 0 ? 0 : 1;
  }
}
