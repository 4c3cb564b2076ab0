package io.impetus.optim;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * A trace of a {@code torch.optim} optimizer on a fixed gradient sequence, as written by the
 * golden-trace generator {@code deploy/bench/torch_optim_traces.py} (format in
 * {@code parameter-server/src/test/resources/golden/optim/README.md}): the initial parameters, the
 * gradient and learning rate of every step, and the parameters after every step.
 *
 * <p>Contract: float32 data is exactly the float32 the trace recorded: taken from the
 * {@code *_bits} hex arrays when the file has them, else parsed from the decimal text with
 * {@link Float#parseFloat} (never through double). Python scalars (hyperparameters, learning rates)
 * are doubles, as in Python. The canonical constructor checks the shapes; arrays are not copied,
 * and {@code equals} compares them by identity, as records do.
 *
 * @param file where the trace came from, for messages
 * @param name the case name, e.g. {@code sgd_momentum}
 * @param optimizer the torch class, e.g. {@code torch.optim.SGD}, {@code torch.optim.Adam}, {@code torch.optim.AdamW}
 * @param hyperparameters the torch keyword arguments: Double, Boolean, String, List or null values
 * @param lrSchedule the schedule's name in the trace (informational; {@code lrPerStep} is authoritative)
 * @param lrPerStep the learning rate of step t (0-based) of {@code steps}
 * @param n the number of parameters
 * @param steps the number of steps
 * @param initParams the n initial parameters
 * @param grads steps x n: the gradient fed at each step
 * @param paramsAfterStep steps x n: the parameters after each step
 */
public record GoldenTrace(
    String file,
    String name,
    String optimizer,
    Map<String, Object> hyperparameters,
    String lrSchedule,
    double[] lrPerStep,
    int n,
    int steps,
    float[] initParams,
    float[][] grads,
    float[][] paramsAfterStep) {

  /** Checks that every array has the trace's shape; the message names the file and the field. */
  public GoldenTrace {
    if (file == null || name == null || optimizer == null || hyperparameters == null || lrSchedule == null) {
      throw new IllegalArgumentException(file + ": name, optimizer, hyperparameters and lr_schedule are required");
    }
    if (steps < 1 || n < 0) {
      throw new IllegalArgumentException(file + ": needs at least one step and n >= 0, got steps=" + steps + ", n=" + n);
    }
    if (lrPerStep == null || lrPerStep.length != steps) {
      throw new IllegalArgumentException(
          file + ": lr_per_step has " + (lrPerStep == null ? "no" : lrPerStep.length) + " values, expected " + steps);
    }
    if (initParams == null || initParams.length != n) {
      throw new IllegalArgumentException(
          file + ": init_params has " + (initParams == null ? "no" : initParams.length) + " values, expected n=" + n);
    }
    requireMatrix(file, "grads", grads, steps, n);
    requireMatrix(file, "params_after_step", paramsAfterStep, steps, n);
    hyperparameters = Collections.unmodifiableMap(hyperparameters);
  }

  /**
   * Reads a trace file.
   *
   * @throws IOException if the file is missing or unreadable; the message names the file
   * @throws IllegalArgumentException if the content is not a valid trace; the message names the file and the problem
   */
  public static GoldenTrace read(Path file) throws IOException {
    return GoldenTraceParser.read(file);
  }

  /** Parses trace JSON; {@code source} names it in messages. Throws IllegalArgumentException if invalid. */
  public static GoldenTrace parse(String json, String source) {
    return GoldenTraceParser.parse(json, source);
  }

  /** The trace files of a golden folder ({@code *.json} except {@code index.json}), sorted by name. */
  public static List<Path> filesIn(Path directory) throws IOException {
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory, "*.json")) {
      for (Path file : stream) {
        if (!file.getFileName().toString().equals("index.json")) {
          files.add(file);
        }
      }
    }
    Collections.sort(files);
    return files;
  }

  /**
   * The optimizer configuration that reproduces this trace: the torch class and keyword arguments
   * mapped onto {@link OptimizerConfig} with {@link MomentumStyle#PYTORCH} and a constant schedule
   * (replay takes each step's lr from {@link #lrPerStep}).
   *
   * @throws IllegalArgumentException naming the file and the keyword for an unknown optimizer, an
   *     unknown keyword, or a setting Impetus does not implement (e.g. {@code maximize=True})
   */
  public OptimizerConfig toOptimizerConfig() {
    return TorchHyperparameters.toConfig(file, optimizer, hyperparameters);
  }

  private static void requireMatrix(String file, String field, float[][] rows, int steps, int n) {
    if (rows == null || rows.length != steps) {
      throw new IllegalArgumentException(
          file + ": " + field + " has " + (rows == null ? "no" : rows.length) + " rows, expected steps=" + steps);
    }
    for (int t = 0; t < steps; t++) {
      if (rows[t] == null || rows[t].length != n) {
        throw new IllegalArgumentException(
            file + ": " + field + " row " + t + " has " + (rows[t] == null ? "no" : rows[t].length)
                + " values, expected n=" + n);
      }
    }
  }
}
