package io.impetus.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.cli.Options;

/**
 * {@code impetus compare RUN_DIR...}: one Markdown table of the figures in several run folders'
 * summary.json. Runs that differ only in their seed form one row, with the median and range over
 * the seeds, so a comparison of settings is not a comparison of lucky seeds.
 */
public final class CompareCommand implements Command {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public String name() {
    return "compare";
  }

  @Override
  public String summary() {
    return "tabulate the figures of several run folders (median over seeds)";
  }

  @Override
  public String positional() {
    return "RUN_DIR...";
  }

  @Override
  public String footer() {
    return "\nExample: impetus compare runs/policies/*\n"
        + "Rows group runs whose settings differ only in --seed; figures are medians with [min, max].";
  }

  @Override
  public Options options() {
    Options o = new Options();
    o.addOption(org.apache.commons.cli.Option.builder().longOpt("throughput")
        .desc("one row per run: samples/s, test accuracy and the time breakdown (no grouping)").get());
    return o;
  }

  @Override
  public int run(Flags flags) throws Exception {
    if (flags.positional().isEmpty()) {
      throw new UsageException("give at least one RUN_DIR");
    }
    for (String dir : flags.positional()) {
      if (!Files.isDirectory(Path.of(dir))) {
        throw new UsageException((Files.exists(Path.of(dir)) ? "not a folder: " : "no such folder: ") + dir);
      }
    }
    if (flags.has("throughput")) {
      return throughputTable(flags.positional());
    }
    Map<String, List<JsonNode>> groups = new LinkedHashMap<>();
    for (String dir : flags.positional()) {
      Path summary = Path.of(dir, "summary.json");
      if (!Files.exists(summary)) {
        System.err.println("skipping " + dir + ": no summary.json");
        continue;
      }
      JsonNode s = JSON.readTree(summary.toFile());
      groups.computeIfAbsent(settings(s), k -> new ArrayList<>()).add(s);
    }
    if (groups.isEmpty()) {
      System.err.println("impetus compare: none of the " + flags.positional().size() + " folders has a summary.json; nothing to compare");
      return 1;
    }
    System.out.println("| settings | runs | train_loss | staleness mean | staleness p99 | staleness max | samples/s |");
    System.out.println("|---|---|---|---|---|---|---|");
    for (Map.Entry<String, List<JsonNode>> g : groups.entrySet()) {
      List<JsonNode> runs = g.getValue();
      System.out.printf(Locale.ROOT, "| %s | %d | %s | %s | %s | %s | %s |%n", g.getKey(), runs.size(),
          figure(runs, "train_loss", "%.4g"), figure(runs, "staleness.mean", "%.2f"), figure(runs, "staleness.p99", "%.0f"),
          figure(runs, "staleness.max", "%.0f"), figure(runs, "samples_per_second", "%.0f"));
    }
    return 0;
  }

  private static int throughputTable(List<String> dirs) throws java.io.IOException {
    System.out.println("| run | command | samples/s | steady samples/s | test accuracy | compute p50 ms | push-pull wait p50 ms "
        + "| apply p50 ms | CPU ms/step workers + shards |");
    System.out.println("|---|---|---|---|---|---|---|---|---|");
    for (String dir : dirs) {
      Path summary = Path.of(dir, "summary.json");
      if (!Files.exists(summary)) {
        System.out.printf("| %s | (no summary.json) | | | | | | | |%n", Path.of(dir).getFileName());
        continue;
      }
      JsonNode s = JSON.readTree(summary.toFile());
      Path command = Path.of(dir, "command.txt");
      String cmd = Files.exists(command) ? Files.readString(command).trim().replaceAll(" --out \\S+", "") : "";
      JsonNode t = s.path("time_breakdown");
      JsonNode cpu = t.path("cpu_ms_per_step");
      String cpuPerStep = cpu.path("workers").isNumber() && cpu.path("shards").isNumber()
          ? String.format(Locale.ROOT, "%.2f + %.2f", cpu.get("workers").asDouble(), cpu.get("shards").asDouble()) : "";
      System.out.printf(Locale.ROOT, "| %s | `%s` | %.0f | %s | %s | %.2f | %.2f | %.3f | %s |%n", Path.of(dir).getFileName(),
          cmd, s.path("samples_per_second").asDouble(),
          s.path("steady_samples_per_second").isNumber()
              ? String.format(Locale.ROOT, "%.0f", s.get("steady_samples_per_second").asDouble()) : "",
          s.has("test_accuracy") ? String.format(Locale.ROOT, "%.4f", s.get("test_accuracy").asDouble()) : "",
          t.path("worker_compute_ms").path("p50").asDouble(), t.path("push_pull_wait_ms").path("p50").asDouble(),
          t.path("server_apply_ms").path("p50").asDouble(), cpuPerStep);
    }
    return 0;
  }

  /** What a run did, without its seed. */
  private static String settings(JsonNode s) {
    JsonNode c = s.path("consistency");
    JsonNode o = s.path("optimizer");
    StringBuilder sb = new StringBuilder();
    sb.append(s.path("model").asText()).append(", ").append(s.path("workers").asInt()).append(" workers, ")
        .append(s.path("mode").asText());
    if (c.has("staleness_bound")) {
      sb.append(" s=").append(c.get("staleness_bound").asLong());
    }
    if (c.path("backup_workers").asInt() > 0) {
      sb.append(" b=").append(c.get("backup_workers").asInt());
    }
    String policy = c.path("staleness_policy").asText("none");
    if (!policy.equals("none")) {
      sb.append(", ").append(policy);
    }
    sb.append(", ").append(o.path("name").asText()).append(" lr ").append(o.path("lr").asDouble());
    if (o.has("momentum")) {
      sb.append(" momentum ").append(o.path("momentum").asDouble());
    }
    if (s.path("data_plane").has("grpc-bf16")) {
      sb.append(", bf16 wire"); // rounded floats are another setting, not another seed
    }
    return sb.toString();
  }

  private static String figure(List<JsonNode> runs, String path, String format) {
    List<Double> values = new ArrayList<>();
    for (JsonNode run : runs) {
      JsonNode n = run;
      for (String part : path.split("\\.")) {
        n = n.path(part);
      }
      values.add(n.isNumber() ? n.asDouble() : Double.NaN);
    }
    values.sort(Double::compare);
    double median = values.size() % 2 == 1 ? values.get(values.size() / 2)
        : (values.get(values.size() / 2 - 1) + values.get(values.size() / 2)) / 2;
    String m = String.format(Locale.ROOT, format, median);
    if (values.size() == 1) {
      return m;
    }
    return m + " [" + String.format(Locale.ROOT, format, values.get(0)) + ", "
        + String.format(Locale.ROOT, format, values.get(values.size() - 1)) + "]";
  }
}
