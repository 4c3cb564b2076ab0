package io.impetus.optim;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The state of {@link Sgd} for one slice: the step count and, when momentum is on, the
 * {@code "velocity"} buffer (PyTorch's {@code momentum_buffer}). Plain SGD has no buffers at all.
 *
 * <p>Not thread-safe; the owner serializes updates of one slice.
 */
public final class SgdState implements OptimizerState {

  /** The name of the momentum buffer in {@link #buffers()}. */
  public static final String VELOCITY = "velocity";

  private final float[] velocity;
  private final Map<String, float[]> buffers;
  private long steps;

  /**
   * Restores a state, e.g. from a checkpoint. The array is used as is, not copied.
   *
   * @param steps updates applied so far (>= 0)
   * @param velocity the momentum buffer, or null for plain SGD
   */
  public SgdState(long steps, float[] velocity) {
    if (steps < 0) {
      throw new IllegalArgumentException("step count must be >= 0, got " + steps);
    }
    this.steps = steps;
    this.velocity = velocity;
    Map<String, float[]> named = new LinkedHashMap<>();
    if (velocity != null) {
      named.put(VELOCITY, velocity);
    }
    this.buffers = Collections.unmodifiableMap(named);
  }

  /** A fresh state for {@code length} values: step 0 and a zeroed velocity if {@code withVelocity}. */
  public static SgdState zeros(int length, boolean withVelocity) {
    return new SgdState(0, withVelocity ? new float[length] : null);
  }

  @Override
  public long steps() {
    return steps;
  }

  @Override
  public Map<String, float[]> buffers() {
    return buffers;
  }

  /** The live momentum buffer, or null for plain SGD. */
  public float[] velocity() {
    return velocity;
  }

  /** Counts one applied update. */
  void advance() {
    steps++;
  }
}
