package io.impetus.optim;

import java.util.Map;

/**
 * The per-slice state of an optimizer: its step count and named float buffers (velocity, first and
 * second moments, ...), each as long as the slice. Lives beside the slice it belongs to and is
 * checkpointed with it.
 */
public interface OptimizerState {

  /** Number of updates applied so far. */
  long steps();

  /** The named buffers, in a fixed order; the arrays are live, not copies. */
  Map<String, float[]> buffers();
}
