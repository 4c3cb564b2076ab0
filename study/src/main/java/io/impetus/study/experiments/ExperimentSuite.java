package io.impetus.study.experiments;

import io.impetus.data.DataFileException;
import io.impetus.study.output.RunFolderWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Runs a list of named experiments one after the other, each into a folder of its own named after it
 * under one suite folder, with the command that reproduces it alone in its {@code command.txt}. An
 * experiment that cannot run (its data set is not installed) or fails is recorded as such and the
 * others still run, so one missing package never costs the rest of a long report.
 */
public final class ExperimentSuite {
  private ExperimentSuite() {}

  /** What became of one experiment of the suite. */
  public enum Verdict {
    SUPPORTED, NOT_SUPPORTED, SKIPPED, FAILED;

    /** As the report and the command line print it. */
    public String label() {
      return name().replace('_', ' ');
    }
  }

  /**
   * One experiment's result.
   *
   * @param dir its run folder, inside the suite folder
   * @param command the command that reproduces it alone ({@code ./impetus study run NAME ...})
   * @param outcome what it found; null when it did not run to the end
   * @param notRun why it did not run (the data set's error, or the exception's message); null when it ran
   */
  public record Entry(Experiment experiment, Path dir, String command, Outcome outcome, String notRun) {
    /** Supported or not when it ran; skipped when its data was missing; failed on any other error. */
    public Verdict verdict() {
      if (outcome != null) {
        return outcome.supported() ? Verdict.SUPPORTED : Verdict.NOT_SUPPORTED;
      }
      return notRun.startsWith(SKIPPED_PREFIX) || notRun.equals(SKIPPED_ON_REQUEST) ? Verdict.SKIPPED : Verdict.FAILED;
    }
  }

  private static final String SKIPPED_PREFIX = "data not available: ";
  /** Why an experiment named by {@code --skip} did not run. */
  public static final String SKIPPED_ON_REQUEST = "skipped with --skip";

  /**
   * Runs {@code experiments} in order.
   *
   * @param suiteDir the suite's folder; experiment {@code e} writes {@code suiteDir/e.name()}
   * @param options how to run each: {@code out} is replaced per experiment, the rest is shared
   * @param flags the flags each experiment's own command repeats (e.g. {@code --quick}), without
   *     {@code --out}
   * @param log progress lines
   */
  public static List<Entry> run(List<Experiment> experiments, Path suiteDir, ExperimentOptions options, List<String> flags,
      Consumer<String> log) throws IOException {
    return run(experiments, Set.of(), suiteDir, options, flags, log);
  }

  /**
   * As above, but the experiments named in {@code skip} do not run: each gets its folder with the
   * command that runs it alone, and the verdict SKIPPED ({@value #SKIPPED_ON_REQUEST}).
   */
  public static List<Entry> run(List<Experiment> experiments, Set<String> skip, Path suiteDir, ExperimentOptions options,
      List<String> flags, Consumer<String> log) throws IOException {
    List<Entry> entries = new ArrayList<>();
    for (Experiment e : experiments) {
      Path dir = suiteDir.resolve(e.name());
      List<String> args = new ArrayList<>(List.of("study", "run", e.name()));
      args.addAll(flags);
      args.add("--out");
      args.add(dir.toString());
      RunFolderWriter out = new RunFolderWriter(dir);
      String command = RunFolderWriter.commandLine(args);
      log.accept("== " + e.name() + ": " + command);
      ExperimentOptions own = new ExperimentOptions(out, options.threads(), options.quick(), options.log(),
          options.dataDir(), options.hidden());
      Outcome outcome = null;
      String notRun = null;
      try {
        if (skip.contains(e.name())) {
          out.writeCommand(args);
          notRun = SKIPPED_ON_REQUEST;
        } else {
          outcome = ExperimentRegistry.runAndReport(e, own, args);
        }
      } catch (DataFileException missing) {
        notRun = SKIPPED_PREFIX + missing.getMessage();
      } catch (Exception failed) {
        notRun = failed.getClass().getSimpleName() + ": " + failed.getMessage();
      }
      Entry entry = new Entry(e, dir, command, outcome, notRun);
      log.accept("   " + entry.verdict().label() + (notRun == null ? "" : " (" + notRun + ")"));
      entries.add(entry);
    }
    return entries;
  }
}
