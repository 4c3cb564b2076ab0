package io.impetus.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.impetus.data.DataFileException;
import io.impetus.export.FullCheckpoint;
import io.impetus.json.FiniteJson;
import io.impetus.model.ModelCatalog;
import io.impetus.model.Workload;
import io.impetus.proto.StatusReply;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the processes of a run left in its folder, read for {@code impetus summarize}: the shards'
 * status files, the workers' settings and reports, and the newest complete checkpoint (the final
 * parameters). Reading never stops at a missing or damaged file when the rest can still be
 * summarized: each such file is listed in {@link #problems()}, naming the file and what its absence
 * leaves out. It stops ({@link IllegalArgumentException}) only when no worker's settings file says
 * what was trained.
 */
final class RunFolderFiles {
  private static final ObjectMapper JSON = FiniteJson.MAPPER;
  private static final Pattern STATUS_FILE = Pattern.compile("shard-(\\d+)-status\\.json");
  private static final Pattern SETTINGS_FILE = Pattern.compile("worker-(\\d+)-settings\\.json");

  private final Path dir;
  private final List<String> problems = new ArrayList<>();
  private final List<StatusReply> status = new ArrayList<>();
  private JsonNode shardSettings;
  private JsonNode workerSettings;
  private String notEvaluated;

  private RunFolderFiles(Path dir) {
    this.dir = dir;
  }

  /**
   * Reads the run folder {@code dir}.
   *
   * @throws IllegalArgumentException naming the folder or file when there is nothing to summarize
   */
  static RunFolderFiles read(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException(dir + " is not a folder");
    }
    RunFolderFiles files = new RunFolderFiles(dir);
    files.readShards();
    files.readWorkerSettings();
    return files;
  }

  private void readShards() throws IOException {
    int shards = 0;
    Path folder = RunLayout.shardStatus(dir, 0).getParent();
    if (Files.isDirectory(folder)) {
      try (var listing = Files.list(folder)) {
        for (Path p : listing.toList()) {
          Matcher m = STATUS_FILE.matcher(p.getFileName().toString());
          if (m.matches()) {
            shards = Math.max(shards, Integer.parseInt(m.group(1)) + 1);
          }
        }
      }
    }
    for (int s = 0; s < shards; s++) {
      Path file = RunLayout.shardStatus(dir, s);
      if (!Files.exists(file)) {
        problems.add(relative(file) + ": missing; shard " + s + "'s figures are left out");
        continue;
      }
      try {
        ShardStatusFile f = ShardStatusFile.read(file);
        if (!f.complete()) {
          problems.add(relative(file) + ": written while the shard ran (it did not stop cleanly); its figures are"
              + " as of then");
        }
        status.add(f.status());
        shards = Math.max(shards, f.settings().path("shards").asInt(shards));
        if (shardSettings == null) {
          shardSettings = f.settings();
        }
      } catch (IllegalArgumentException e) {
        problems.add(relative(file) + ": " + e.getMessage().replace(file.toString(), "").trim()
            + "; shard " + s + "'s figures are left out");
      }
    }
    if (shardSettings == null) {
      problems.add(relative(RunLayout.shardStatus(dir, 0)) + ": no shard left a status file (impetus server --run-dir);"
          + " the shards' settings and figures are left out");
      shardSettings = JSON.createObjectNode();
    }
  }

  private void readWorkerSettings() throws IOException {
    Path folder = RunLayout.workerSettings(dir, 0).getParent();
    int lowest = Integer.MAX_VALUE;
    if (Files.isDirectory(folder)) {
      try (var listing = Files.list(folder)) {
        for (Path p : listing.toList()) {
          Matcher m = SETTINGS_FILE.matcher(p.getFileName().toString());
          if (m.matches()) {
            lowest = Math.min(lowest, Integer.parseInt(m.group(1)));
          }
        }
      }
    }
    if (lowest == Integer.MAX_VALUE) {
      throw new IllegalArgumentException("no worker left its settings in " + folder
          + " (worker-R-settings.json, written by impetus worker --run-dir): nothing says what the run trained");
    }
    Path file = RunLayout.workerSettings(dir, lowest);
    try {
      workerSettings = JSON.readTree(file.toFile());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException(file + " is not a worker settings file: not JSON, or cut short (at line "
          + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")");
    }
    if (!workerSettings.path("model").isTextual()) {
      throw new IllegalArgumentException(file + " is not a worker settings file: it names no model");
    }
    int n = settings().workers();
    for (int r = 0; r < n; r++) {
      Path report = RunLayout.workerReport(dir, r);
      if (RunFolder.workerReport(report) == null) {
        problems.add(relative(report) + (Files.exists(report) ? ": not JSON, or cut short" : ": missing") + "; worker " + r
            + " did not finish" + (Files.exists(RunLayout.workerMetrics(dir, r)) ? " (its metrics rows so far are kept)"
            : ", and left no metrics"));
      }
    }
  }

  /** The run's settings as the files record them; each worker in a process of its own. */
  RunSettings settings() {
    int workers = shardSettings.path("workers").asInt(workerSettings.path("workers").asInt());
    return new RunSettings(shardSettings, workerSettings, workers);
  }

  /** The status of every shard that left a readable status file. */
  List<StatusReply> status() {
    return List.copyOf(status);
  }

  /** The files that were missing or damaged, each with what it leaves out. */
  List<String> problems() {
    return List.copyOf(problems);
  }

  /**
   * The final parameters (the newest complete checkpoint in the run folder) judged on the model's
   * data; null, with a problem saying why, when there is no checkpoint or no data here.
   */
  FinalEvaluation evaluate() throws IOException {
    Path checkpoints = RunLayout.checkpoints(dir);
    FullCheckpoint checkpoint;
    try {
      checkpoint = FullCheckpoint.newest(checkpoints);
    } catch (IllegalArgumentException e) {
      return unevaluated(relative(checkpoints) + ": " + e.getMessage());
    }
    String model = settings().model();
    if (!checkpoint.model().equals(model)) {
      return unevaluated(relative(checkpoints) + ": holds model " + checkpoint.model() + ", but the workers trained "
          + model);
    }
    Workload workload;
    try {
      workload = ModelCatalog.create(model, settings().data());
    } catch (DataFileException e) {
      return unevaluated("the data set of " + model + " is not on this machine (" + e.getMessage() + ")");
    }
    return FinalEvaluation.of(workload, checkpoint.params());
  }

  /** Records why the final parameters were not evaluated; null. */
  private FinalEvaluation unevaluated(String why) {
    notEvaluated = why;
    problems.add(why + "; the train loss is left out");
    return null;
  }

  /** Why {@link #evaluate} gave null, or null. */
  String notEvaluated() {
    return notEvaluated;
  }

  /** The model's number of parameters as the shards report it, 0 without a status file. */
  long numParams() {
    return status.isEmpty() ? 0 : status.get(0).getNumParams();
  }

  /** The workers' reports' first start and last end (epoch ms), {0, 0} without reports. */
  long[] trainingWindow() throws IOException {
    long first = Long.MAX_VALUE;
    long last = 0;
    for (JsonNode r : new RunFolder(dir).workerReports(settings().workers())) {
      if (r != null) {
        first = Math.min(first, r.path("start_millis").asLong());
        last = Math.max(last, r.path("end_millis").asLong());
      }
    }
    return first == Long.MAX_VALUE ? new long[] {0, 0} : new long[] {first, last};
  }

  private String relative(Path file) {
    return dir.relativize(file).toString();
  }
}
