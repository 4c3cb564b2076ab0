package io.impetus.optim;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Replays a {@link GoldenTrace} through the Impetus optimizer its hyperparameters describe and
 * compares the result with the trace; the engine of {@code impetus replay FILE...}.
 *
 * <p>The replay runs free: each step starts from the replayed (not the recorded) parameters, so
 * rounding differences accumulate as they would in training. Step t uses {@code lrPerStep[t]}.
 */
public final class TraceReplay {

  private TraceReplay() {}

  /**
   * Replays {@code trace}.
   *
   * @throws IllegalArgumentException if the trace asks for an optimizer setting Impetus does not implement
   */
  public static ReplayResult replay(GoldenTrace trace) {
    Optimizer optimizer = Optimizers.create(trace.toOptimizerConfig());
    OptimizerState state = optimizer.newState(trace.n());
    float[] params = trace.initParams().clone();
    float[][] actual = new float[trace.steps()][];
    for (int t = 0; t < trace.steps(); t++) {
      optimizer.step(params, trace.grads()[t], state, trace.lrPerStep()[t]);
      actual[t] = params.clone();
    }
    return ReplayResult.compare(trace.name(), trace.file(), actual, trace.paramsAfterStep());
  }

  /**
   * Reads and replays a trace file.
   *
   * @throws IOException if the file is missing or unreadable
   * @throws IllegalArgumentException if it is not a valid or supported trace; the message names the file
   */
  public static ReplayResult replay(Path file) throws IOException {
    return replay(GoldenTrace.read(file));
  }
}
