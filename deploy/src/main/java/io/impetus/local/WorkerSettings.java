package io.impetus.local;

import io.impetus.json.FiniteJson;
import io.impetus.train.WorkerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A worker's settings file ({@link RunLayout#workerSettings}): what the worker was told to train,
 * written when it starts, so that {@code impetus summarize} knows the model, its data and the batch
 * size of a run whose command line it never saw (a cluster's pods are configured by their environment).
 */
public final class WorkerSettings {
  private WorkerSettings() {}

  /** The settings of {@code c}, named as summary.json names them. */
  public static Map<String, Object> of(WorkerConfig c) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("rank", c.rank());
    s.put("workers", c.workers());
    s.put("shards", c.servers().size());
    s.put("model", c.model());
    s.put("dataset", c.data().dataset());
    s.put("data_dir", c.data().dataDir() == null ? null : c.data().dataDir().toString());
    List<Integer> hidden = Arrays.stream(c.data().hidden()).boxed().toList();
    s.put("hidden", hidden);
    s.put("batch_size", c.batchSize());
    s.put("epochs", c.epochs());
    s.put("steps", c.steps());
    s.put("seed", c.seed());
    s.put("log_every", c.logEvery());
    s.put("overlap", c.overlap());
    s.put("transport", c.transport().cliName());
    s.put("wire_precision", c.wirePrecision().cliName());
    return s;
  }

  /** Writes the settings of {@code c} to its file in {@code runDir}. */
  public static void write(Path runDir, WorkerConfig c) throws IOException {
    Path file = RunLayout.workerSettings(runDir, c.rank());
    Files.createDirectories(file.getParent());
    FiniteJson.write(file, of(c));
  }
}
