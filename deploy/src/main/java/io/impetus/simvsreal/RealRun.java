package io.impetus.simvsreal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.impetus.cli.Flags;
import io.impetus.csv.CsvTable;
import io.impetus.local.LocalCommand;
import io.impetus.local.LocalConfig;
import io.impetus.optim.OptimizerConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One real {@code impetus local} run of a {@link Setting}, started in this JVM (the launcher starts
 * the shard and the workers as child processes), and what its run folder says about it.
 *
 * @param dir the run folder
 * @param optimizer the optimizer the shard ran, exactly as the command line built it
 * @param finalLoss the whole-training-set loss of the final parameters (summary.json {@code train_loss});
 *     +inf when it has none (not finite)
 * @param diverged whether the run diverged ({@link LossCurve#diverged})
 * @param minibatchLoss the minibatch loss of every applied update, in the order the shard applied
 *     them (staleness.csv's rows joined with metrics.csv's by worker and worker step)
 * @param staleness the staleness of every applied update, in the same order
 * @param worker the worker of every applied update, in the same order
 */
record RealRun(Path dir, OptimizerConfig optimizer, double finalLoss, boolean diverged, double[] minibatchLoss, int[] staleness,
    int[] worker) {

  /** Applied updates. */
  int updates() {
    return staleness.length;
  }

  /**
   * Runs {@code args} ({@code local ...}) as {@code impetus local} would and reads the run folder;
   * {@code initialLoss} is the loss of the run's initial parameters, which tells divergence.
   */
  static RealRun launch(List<String> args, Path dir, double initialLoss) throws Exception {
    List<String> flags = args.subList(1, args.size());
    LocalCommand command = new LocalCommand().withArgs(args);
    Flags parsed = Flags.parse(command, flags, Map.of());
    LocalConfig config = command.parse(parsed);
    int code = command.run(parsed);
    if (code != 0) {
      throw new IllegalStateException("impetus " + String.join(" ", args) + " exited with " + code + "; see " + dir);
    }
    return read(dir, config.optimizer(), initialLoss);
  }

  /** Reads a finished one-shard run folder. */
  static RealRun read(Path dir, OptimizerConfig optimizer, double initialLoss) throws IOException {
    JsonNode summary = new ObjectMapper().readTree(dir.resolve("summary.json").toFile());
    JsonNode loss = summary.get("train_loss");
    double finalLoss = loss != null && loss.isNumber() ? loss.asDouble() : Double.POSITIVE_INFINITY;

    CsvTable metrics = CsvTable.read(dir.resolve("metrics.csv"));
    int mWorker = metrics.column("worker");
    int mStep = metrics.column("step");
    int mLoss = metrics.column("loss");
    Map<Long, Double> lossByStep = new HashMap<>();
    for (CsvTable.Row row : metrics.rows()) {
      lossByStep.put(key(row.integer(mWorker), row.integer(mStep)), row.number(mLoss));
    }

    CsvTable trace = CsvTable.read(dir.resolve("staleness.csv"));
    int tShard = trace.column("shard");
    int tWorker = trace.column("worker");
    int tStaleness = trace.column("staleness");
    int tStep = trace.column("worker_step");
    List<CsvTable.Row> rows = trace.rows().stream().filter(r -> r.get(tShard).equals("0")).toList();
    double[] minibatch = new double[rows.size()];
    int[] staleness = new int[rows.size()];
    int[] worker = new int[rows.size()];
    for (int i = 0; i < rows.size(); i++) {
      CsvTable.Row row = rows.get(i);
      worker[i] = Math.toIntExact(row.integer(tWorker));
      staleness[i] = Math.toIntExact(row.integer(tStaleness));
      Double l = lossByStep.get(key(worker[i], row.integer(tStep)));
      if (l == null) {
        throw new IOException(dir.resolve("metrics.csv") + " has no row for worker " + worker[i] + " step "
            + row.integer(tStep) + ", which staleness.csv line " + row.line() + " names");
      }
      minibatch[i] = l;
    }
    return new RealRun(dir, optimizer, finalLoss, LossCurve.diverged(finalLoss, initialLoss), minibatch, staleness, worker);
  }

  private static long key(long worker, long step) {
    return (worker << 40) | step;
  }
}
