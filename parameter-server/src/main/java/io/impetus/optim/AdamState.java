package io.impetus.optim;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The state of {@link Adam} for one slice: the step count (which drives the bias corrections), the
 * first moment {@code "exp_avg"}, the second moment {@code "exp_avg_sq"} and, with AMSGrad only,
 * the running maximum {@code "max_exp_avg_sq"}. Names follow PyTorch's state dict.
 *
 * <p>Not thread-safe; the owner serializes updates of one slice.
 */
public final class AdamState implements OptimizerState {

  /** The name of the first-moment buffer. */
  public static final String EXP_AVG = "exp_avg";
  /** The name of the second-moment buffer. */
  public static final String EXP_AVG_SQ = "exp_avg_sq";
  /** The name of AMSGrad's running maximum of the second moment. */
  public static final String MAX_EXP_AVG_SQ = "max_exp_avg_sq";

  private final float[] expAvg;
  private final float[] expAvgSq;
  private final float[] maxExpAvgSq;
  private final Map<String, float[]> buffers;
  private long steps;

  /**
   * Restores a state, e.g. from a checkpoint. Arrays are used as is, not copied.
   *
   * @param steps updates applied so far (>= 0)
   * @param expAvg the first moment
   * @param expAvgSq the second moment, as long as {@code expAvg}
   * @param maxExpAvgSq AMSGrad's running maximum, or null without AMSGrad
   */
  public AdamState(long steps, float[] expAvg, float[] expAvgSq, float[] maxExpAvgSq) {
    if (steps < 0) {
      throw new IllegalArgumentException("step count must be >= 0, got " + steps);
    }
    if (expAvg == null || expAvgSq == null || expAvg.length != expAvgSq.length
        || (maxExpAvgSq != null && maxExpAvgSq.length != expAvg.length)) {
      throw new IllegalArgumentException("Adam buffers must be present and of equal length");
    }
    this.steps = steps;
    this.expAvg = expAvg;
    this.expAvgSq = expAvgSq;
    this.maxExpAvgSq = maxExpAvgSq;
    Map<String, float[]> named = new LinkedHashMap<>();
    named.put(EXP_AVG, expAvg);
    named.put(EXP_AVG_SQ, expAvgSq);
    if (maxExpAvgSq != null) {
      named.put(MAX_EXP_AVG_SQ, maxExpAvgSq);
    }
    this.buffers = Collections.unmodifiableMap(named);
  }

  /** A fresh state for {@code length} values: step 0, zeroed moments, and the max buffer if {@code amsgrad}. */
  public static AdamState zeros(int length, boolean amsgrad) {
    return new AdamState(0, new float[length], new float[length], amsgrad ? new float[length] : null);
  }

  @Override
  public long steps() {
    return steps;
  }

  @Override
  public Map<String, float[]> buffers() {
    return buffers;
  }

  /** The live first moment. */
  public float[] expAvg() {
    return expAvg;
  }

  /** The live second moment. */
  public float[] expAvgSq() {
    return expAvgSq;
  }

  /** The live AMSGrad maximum, or null without AMSGrad. */
  public float[] maxExpAvgSq() {
    return maxExpAvgSq;
  }

  /** Counts one update and returns the new 1-based step number. */
  long advance() {
    return ++steps;
  }
}
