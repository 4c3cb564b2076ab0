package io.impetus.study.sweep;

/**
 * What one cell of a sweep produced.
 *
 * @param cell the grid point
 * @param stepsToTarget first update with loss ≤ target, or -1 if never reached
 * @param finalLoss the loss after the last update (+inf if diverged)
 * @param tailLoss the mean loss over the last 10% of updates, which smooths gradient noise (+inf if diverged)
 * @param diverged whether the run left the finite range
 * @param curve the loss at {@link #curveSteps} (a thinned copy of the trajectory, for plots)
 * @param curveSteps the update numbers of {@link #curve}
 * @param dropped gradients the staleness policy refused
 */
public record CellResult(Cell cell, int stepsToTarget, double finalLoss, double tailLoss, boolean diverged, double[] curve,
    double[] curveSteps, int dropped) {}
