package io.impetus.study.simulate;

/**
 * What a simulated run produced. Index t of {@link #loss} and {@link #norm} is the state after t
 * updates (t = 0 is the start); {@link #delays} index t is the staleness of the gradient of update t.
 * A run that diverged, or whose {@link Probe} was done, stops early: the arrays then hold only
 * {@link #stepsRun()} updates. With a probe, the loss is the probe's at the updates it observed and
 * NaN elsewhere.
 *
 * @param loss the loss of the current parameters (exact, without gradient noise), length stepsRun + 1
 * @param norm the Euclidean norm of the parameters (for a quadratic: the distance to the optimum)
 * @param delays the drawn delay τ of each gradient (in arrivals), length stepsRun
 * @param stepsRun updates applied; less than asked when the run diverged
 * @param diverged whether the parameters or the loss left the finite range (|x| > 1e30 or NaN)
 * @param iterates every iterate when recorded, else null
 * @param finalParams the parameters at the end
 * @param staleness the staleness each gradient was handed to the policy with, in applied updates
 *     since its read (equal to {@code delays} unless gradients were dropped), length stepsRun
 * @param dropped gradients the staleness policy refused (their slots left the parameters unchanged)
 * @param lastMomentum the momentum the last applied update used (momentum compensation lowers it)
 */
public record Trajectory(
    double[] loss, double[] norm, int[] delays, int stepsRun, boolean diverged, float[][] iterates, float[] finalParams,
    int[] staleness, int dropped, double lastMomentum) {

  /** The loss after the last applied update. */
  public double finalLoss() {
    return loss[stepsRun];
  }

  /** The first t with loss ≤ target, or -1 if the run never got there. */
  public int stepsTo(double target) {
    for (int t = 0; t <= stepsRun; t++) {
      if (loss[t] <= target) {
        return t;
      }
    }
    return -1;
  }

  /** Mean loss over the last {@code fraction} of the updates (smooths gradient noise); +inf if diverged. */
  public double tailLoss(double fraction) {
    if (diverged) {
      return Double.POSITIVE_INFINITY;
    }
    int from = (int) Math.floor(stepsRun * (1 - fraction));
    double s = 0;
    for (int t = from; t <= stepsRun; t++) {
      s += loss[t];
    }
    return s / (stepsRun - from + 1);
  }

  /** The mean applied staleness. */
  public double meanDelay() {
    double s = 0;
    for (int d : delays) {
      s += d;
    }
    return delays.length == 0 ? 0 : s / delays.length;
  }
}
