package io.impetus.optim;

import java.util.Map;
import java.util.Set;

/** Builds the {@link Optimizer} a configuration describes. */
public final class Optimizers {

  private Optimizers() {}

  /** {@link Sgd} for {@code sgd}, {@link Adam} for {@code adam} and {@code adamw}. */
  public static Optimizer create(OptimizerConfig config) {
    switch (config.kind()) {
      case SGD:
        return new Sgd(config);
      case ADAM:
      case ADAMW:
        return new Adam(config);
      default:
        throw new AssertionError(config.kind());
    }
  }

  /**
   * The state of an optimizer for {@code config} with {@code steps} updates applied and the given
   * named buffers (used as they are, not copied), as a checkpoint restores it.
   *
   * @throws IllegalArgumentException when the buffers are not the ones this optimizer keeps (another
   *     kind, momentum or AMSGrad setting) or their lengths differ from {@code length}
   */
  public static OptimizerState restoreState(OptimizerConfig config, int length, long steps, Map<String, float[]> buffers) {
    // A zero-length state names the buffers this configuration keeps, and costs nothing.
    Set<String> expected = create(config).newState(0).buffers().keySet();
    if (!expected.equals(buffers.keySet())) {
      throw new IllegalArgumentException("the optimizer state holds buffers " + buffers.keySet() + ", but "
          + config.kind().cliName() + " as configured keeps " + expected);
    }
    for (Map.Entry<String, float[]> b : buffers.entrySet()) {
      if (b.getValue().length != length) {
        throw new IllegalArgumentException("optimizer buffer " + b.getKey() + " has " + b.getValue().length
            + " values, the slice " + length);
      }
    }
    switch (config.kind()) {
      case SGD:
        return new SgdState(steps, buffers.get(SgdState.VELOCITY));
      case ADAM:
      case ADAMW:
        return new AdamState(steps, buffers.get(AdamState.EXP_AVG), buffers.get(AdamState.EXP_AVG_SQ),
            buffers.get(AdamState.MAX_EXP_AVG_SQ));
      default:
        throw new AssertionError(config.kind());
    }
  }
}
