package io.impetus.study.experiments;

import io.impetus.study.output.RunFolderWriter;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * How to run a named experiment.
 *
 * @param out the run folder to write
 * @param threads parallel simulations
 * @param quick a smaller grid (seconds instead of a minute), for tests and smoke runs
 * @param log progress lines (the command line prints them; tests drop them)
 * @param dataDir for experiments on an image data set: the folder with its IDX files (null: the
 *     data set's default folder, e.g. where the Debian package puts Fashion-MNIST)
 * @param hidden for experiments that train an MLP: its hidden widths (null: the experiment's default)
 */
public record ExperimentOptions(RunFolderWriter out, int threads, boolean quick, Consumer<String> log, Path dataDir,
    int[] hidden) {

  /** Options for experiments that need no data set. */
  public ExperimentOptions(RunFolderWriter out, int threads, boolean quick, Consumer<String> log) {
    this(out, threads, quick, log, null, null);
  }
}
