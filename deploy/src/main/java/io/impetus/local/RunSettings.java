package io.impetus.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.impetus.client.WirePrecision;
import io.impetus.json.FiniteJson;
import io.impetus.model.DataOptions;
import java.nio.file.Path;
import java.util.Map;

/**
 * What a run was set up to do, as much as its summary needs: the shards' settings (one shard's, as
 * {@link ShardStatusFile#settings} records them; every shard of a run has the same) and the workers'
 * (one worker's, as {@link WorkerSettings} records them). {@code impetus local} builds it from its
 * config, {@code impetus summarize} from the run folder's files; either way through the same two
 * JSON objects, so both summaries say the same.
 *
 * @param shard one shard's settings
 * @param worker one worker's settings
 * @param workerProcesses the JVMs the workers ran in
 */
record RunSettings(JsonNode shard, JsonNode worker, int workerProcesses) {
  private static final ObjectMapper JSON = FiniteJson.MAPPER;

  /** The settings of an {@code impetus local} run. */
  static RunSettings of(Map<String, Object> shard, Map<String, Object> worker, int workerProcesses) {
    return new RunSettings(JSON.valueToTree(shard), JSON.valueToTree(worker), workerProcesses);
  }

  String model() {
    return worker.path("model").asText();
  }

  /** N: the shards' count (the workers' when no shard's settings are known). */
  int workers() {
    return shard.path("workers").isInt() ? shard.get("workers").asInt() : worker.path("workers").asInt();
  }

  /** S: the shards' count (the number of shards the workers were given when no shard's settings are known). */
  int shards() {
    return shard.path("shards").isInt() ? shard.get("shards").asInt() : worker.path("shards").asInt();
  }

  String mode() {
    return shard.path("mode").asText("unknown");
  }

  int batchSize() {
    return worker.path("batch_size").asInt();
  }

  long seed() {
    return worker.path("seed").asLong();
  }

  /** The hidden widths of the mlp model. */
  int[] hidden() {
    int[] widths = new int[worker.path("hidden").size()];
    for (int i = 0; i < widths.length; i++) {
      widths[i] = worker.get("hidden").get(i).asInt();
    }
    return widths;
  }

  /** The data set options the workers trained with. */
  DataOptions data() {
    DataOptions d = DataOptions.defaults().withDataset(worker.path("dataset").asText(DataOptions.defaults().dataset()));
    if (worker.path("data_dir").isTextual()) {
      d = d.withDataDir(Path.of(worker.get("data_dir").asText()));
    }
    return worker.path("hidden").size() > 0 ? d.withHidden(hidden()) : d;
  }

  /** The optimizer and every hyperparameter. */
  Map<String, Object> optimizer() {
    return object(shard.path("optimizer"));
  }

  /** Where and how often the shards checkpointed, or null when they did not. */
  Map<String, Object> checkpoints() {
    return shard.has("checkpoints") ? object(shard.get("checkpoints")) : null;
  }

  /** A JSON object as a map (summary.json is written from maps and lists). */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> object(JsonNode node) {
    return node.isObject() ? JSON.convertValue(node, Map.class) : Map.of();
  }

  /** Bytes a float takes on the workers' grpc path. */
  int bytesPerValue() {
    return WirePrecision.parse(worker.path("wire_precision").asText(WirePrecision.FP32.cliName())).bytesPerValue();
  }
}
