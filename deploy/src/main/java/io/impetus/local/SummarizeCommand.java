package io.impetus.local;

import io.impetus.cli.Command;
import io.impetus.cli.Flags;
import io.impetus.cli.UsageException;
import io.impetus.local.hosts.SimulatedHosts;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.cli.Options;

/**
 * {@code impetus summarize RUN_DIR}: completes a run folder that shards and workers filled with
 * {@code --run-dir} (a cluster run's volume, copied out), writing the summary.json, metrics.csv,
 * staleness.csv and plots that {@code impetus local} writes, with the same code. Files that are
 * missing or damaged are named, and left out; the rest is summarized.
 */
public final class SummarizeCommand implements Command {

  @Override
  public String name() {
    return "summarize";
  }

  @Override
  public String summary() {
    return "write summary.json, metrics.csv and plots for a run folder filled by shards and workers";
  }

  @Override
  public String positional() {
    return "RUN_DIR";
  }

  @Override
  public String footer() {
    return "\nExample: impetus summarize runs/example   (a cluster run's volume, copied out: docs/kubernetes.md)\n"
        + "Reads shards/shard-I-status.json, workers/worker-R-settings.json, workers/worker-R.csv, .json and\n"
        + "-staleness.csv, and checkpoints/ (the final parameters, for the train loss), as impetus server and\n"
        + "impetus worker write them with --run-dir (IMPETUS_RUN_DIR). Exit 0 once the summary is written, even\n"
        + "with files missing (each is named on stderr and under problems in summary.json); 2 when nothing says\n"
        + "what the run trained.";
  }

  @Override
  public Options options() {
    return new Options();
  }

  @Override
  public int run(Flags flags) throws Exception {
    if (flags.positional().size() != 1) {
      throw new UsageException("give one RUN_DIR, got " + flags.positional().size() + " arguments");
    }
    Path dir = Path.of(flags.positional().get(0));
    RunFolderFiles files;
    try {
      files = RunFolderFiles.read(dir);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    RunSettings settings = files.settings();
    FinalEvaluation evaluation = files.evaluate();
    long[] window = files.trainingWindow();
    int failed = 0;
    for (int r = 0; r < settings.workers(); r++) {
      failed += RunFolder.workerReport(RunLayout.workerReport(dir, r)) == null ? 1 : 0;
    }
    Map<String, Object> extras = new LinkedHashMap<>();
    extras.put("topology", SimulatedHosts.noTopology());
    List<String> problems = files.problems();
    if (!problems.isEmpty()) {
      extras.put("problems", problems);
    }
    long params = files.numParams();
    RunSummary summary = RunSummarizer.write(dir, new RunSummarizer.Inputs(settings, files.status(), evaluation,
        evaluation == null ? "not evaluated: " + files.notEvaluated() : RunSummarizer.DIVERGED,
        window[0], window[1], failed, extras, new TimeBreakdown.Traffic(params, settings.bytesPerValue(), 0)));
    for (String p : problems) {
      System.err.println("impetus summarize: " + p);
    }
    System.out.print(summary.describe());
    System.out.println("run folder: " + dir);
    return 0;
  }
}
