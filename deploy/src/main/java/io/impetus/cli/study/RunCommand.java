package io.impetus.cli.study;

import io.impetus.cli.Command;
import io.impetus.cli.Flags;
import io.impetus.cli.OptimizerFlags;
import io.impetus.cli.UsageException;
import io.impetus.study.experiments.Experiment;
import io.impetus.study.experiments.ExperimentOptions;
import io.impetus.study.experiments.ExperimentRegistry;
import io.impetus.study.experiments.Outcome;
import io.impetus.study.experiments.ExperimentSuite;
import io.impetus.study.output.RunFolderWriter;
import io.impetus.study.report.SuiteReport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.commons.cli.Options;

/**
 * {@code impetus study run NAME}: a named experiment that checks a published finding; {@code impetus
 * study run all}: every one of them, each in a folder of its own, and one report over all.
 */
final class RunCommand implements Command {

  @Override
  public String name() {
    return "run";
  }

  @Override
  public String summary() {
    return "run a named experiment and say whether it supports its claim (--list shows them);"
        + " 'all' runs every one and writes one report (report.md and report.html) over them";
  }

  @Override
  public String positional() {
    return "NAME|all";
  }

  @Override
  public Options options() {
    Options o = new Options();
    o.addOption(StudyFlags.flag("list", "list the named experiments and their claims"));
    o.addOption(StudyFlags.flag("quick", "a smaller grid (seconds), for a smoke test"));
    o.addOption(OptimizerFlags.valued("threads", "N", "parallel simulations (default: available cores)"));
    o.addOption(OptimizerFlags.valued("out", "DIR", "run folder (default runs/<time>-NAME); with 'all', one folder per"
        + " experiment inside it"));
    o.addOption(OptimizerFlags.valued("skip", "NAME,NAME", "with 'all': experiments not to run (the report lists them as"
        + " skipped), e.g. sim-vs-real, whose real runs start processes"));
    o.addOption(OptimizerFlags.valued("data-dir", "DIR", "image experiments (fmnist-staleness): folder with the Fashion-MNIST "
        + "IDX files (default /usr/share/datasets/fashion-mnist, from the Debian package dataset-fashion-mnist)"));
    o.addOption(OptimizerFlags.valued("hidden", "W,W", "MLP experiments (fmnist-staleness): hidden widths (default 256,128)"));
    return o;
  }

  @Override
  public int run(Flags f) throws Exception {
    if (f.has("list")) {
      for (Experiment e : ExperimentRegistry.all()) {
        System.out.printf("%-26s %s%n", e.name(), e.claim());
      }
      return 0;
    }
    if (f.positional().size() != 1) {
      throw new UsageException("give one experiment NAME (impetus study run --list shows them)");
    }
    String name = f.positional().get(0);
    int threads = f.integer("threads", Runtime.getRuntime().availableProcessors());
    if (threads < 1) {
      throw new UsageException("--threads must be >= 1");
    }
    int[] hidden = null;
    if (f.has("hidden")) {
      try {
        hidden = io.impetus.model.DataOptions.parseHidden(f.string("hidden"));
      } catch (IllegalArgumentException ex) {
        throw new UsageException("--hidden: " + ex.getMessage());
      }
    }
    java.nio.file.Path dataDir = f.has("data-dir") ? java.nio.file.Path.of(f.string("data-dir")) : null;
    if (f.has("skip") && !name.equals("all")) {
      throw new UsageException("--skip applies to 'all' only; to run one experiment, name it");
    }
    if (name.equals("all")) {
      return runAll(f, new ExperimentOptions(null, threads, f.has("quick"), System.out::println, dataDir, hidden));
    }
    Experiment e = ExperimentRegistry.find(name).orElseThrow(() -> new UsageException("unknown experiment '" + name
        + "' (expected all or one of " + ExperimentRegistry.all().stream().map(Experiment::name).collect(Collectors.joining(", ")) + ")"));
    RunFolderWriter out = new RunFolderWriter(RunFolderWriter.defaultDir(f.string("out"), name));
    System.out.println("claim: " + e.claim());
    Outcome o;
    try {
      o = ExperimentRegistry.runAndReport(e, new ExperimentOptions(out, threads, f.has("quick"), System.out::println, dataDir,
          hidden), StudyFlags.echo("run", f));
    } catch (io.impetus.data.DataFileException ex) {
      System.err.println("impetus study run " + name + ": " + ex.getMessage());
      return 2;
    }
    for (String line : o.evidence()) {
      System.out.println("  " + line);
    }
    System.out.println((o.supported() ? "SUPPORTED" : "NOT SUPPORTED") + " by this run; report: " + out.dir().resolve("report.md"));
    return o.supported() ? 0 : 1;
  }

  /** The names {@code --skip} lists, each checked against the registry. */
  private static Set<String> skipped(Flags f) {
    if (!f.has("skip")) {
      return Set.of();
    }
    Set<String> names = new LinkedHashSet<>();
    for (String name : f.string("skip").split(",")) {
      String n = name.trim();
      if (ExperimentRegistry.find(n).isEmpty()) {
        throw new UsageException("--skip: unknown experiment '" + n + "' (expected one of "
            + ExperimentRegistry.all().stream().map(Experiment::name).collect(Collectors.joining(", ")) + ")");
      }
      names.add(n);
    }
    return names;
  }

  /** Every registered experiment into a folder of its own under --out, then the suite's report. */
  private static int runAll(Flags f, ExperimentOptions options) throws Exception {
    RunFolderWriter suite = new RunFolderWriter(RunFolderWriter.defaultDir(f.string("out"), "all"));
    List<String> echoed = StudyFlags.echo("run", f);
    suite.writeCommand(echoed);
    // Each experiment's own command repeats every flag but --out (it gets a folder of its own).
    List<String> flags = StudyFlags.flagsExcept(f, List.of("out", "skip"));
    Set<String> skip = skipped(f);
    List<ExperimentSuite.Entry> entries =
        ExperimentSuite.run(ExperimentRegistry.all(), skip, suite.dir(), options, flags, System.out::println);
    Path report = SuiteReport.write(suite.dir(), RunFolderWriter.commandLine(echoed), options.quick(), entries);
    boolean allHeld = true;
    for (ExperimentSuite.Entry e : entries) {
      System.out.printf("%-26s %s%n", e.experiment().name(), e.verdict().label());
      allHeld &= e.verdict() == ExperimentSuite.Verdict.SUPPORTED || e.verdict() == ExperimentSuite.Verdict.SKIPPED;
    }
    System.out.println("report: " + report + " (and " + report.resolveSibling("report.html") + ")");
    return allHeld ? 0 : 1;
  }
}
