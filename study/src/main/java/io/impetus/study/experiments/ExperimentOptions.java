package io.impetus.study.experiments;

import io.impetus.study.output.RunFolderWriter;
import java.util.function.Consumer;

/**
 * How to run a named experiment.
 *
 * @param out the run folder to write
 * @param threads parallel simulations
 * @param quick a smaller grid (seconds instead of a minute), for tests and smoke runs
 * @param log progress lines (the command line prints them; tests drop them)
 */
public record ExperimentOptions(RunFolderWriter out, int threads, boolean quick, Consumer<String> log) {}
