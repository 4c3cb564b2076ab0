package io.impetus.study.simulate;

/**
 * Watches a simulated run every few updates, in place of the simulator's exact loss on the whole
 * training set after every update (which is unaffordable for a real data set: 60,000 images per
 * update). For example: test accuracy of a classifier on a fixed subsample, with a stop once a
 * target accuracy is reached.
 *
 * <p>Called with the start (t = 0), after every {@link #every()}-th update, and after the last
 * update. The parameters must not be written or kept (the simulator reuses the array); a probe is
 * used by one run at a time.
 */
public interface Probe {

  /** Observe after every this many updates (at least 1). */
  int every();

  /**
   * Looks at the parameters after {@code t} updates and returns the loss to record in the
   * trajectory at t (NaN for none).
   */
  double observe(int t, float[] params);

  /**
   * Hears the minibatch loss of update {@code t} (0-based): the loss of the gradient's minibatch at the
   * stale parameters the gradient was computed from, as a real worker reports it in metrics.csv.
   * Called for every update, before {@link #observe} of the same step; the default ignores it.
   */
  default void minibatch(int t, double loss) {}

  /** Whether the run can stop now (asked after each observation); a stopped run is not diverged. */
  default boolean done() {
    return false;
  }
}
