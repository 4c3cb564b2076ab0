package io.impetus.study.theory;

import io.impetus.study.output.Plots;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code impetus study stability}: the boundary of the stable region of delayed heavy ball in the
 * (α·h, β) plane, one curve per delay τ. Settings left of a curve converge.
 */
public final class StabilityPlot {
  private StabilityPlot() {}

  /** The boundary α_max·h(β) on {@code points} values of β in [0, 0.99], per τ; drawn into {@code png}. */
  public static List<Plots.Line> draw(Path png, int[] taus, int points) throws IOException {
    List<Plots.Line> lines = new ArrayList<>();
    for (int tau : taus) {
      double[] ah = new double[points];
      double[] b = new double[points];
      for (int i = 0; i < points; i++) {
        b[i] = 0.99 * i / (points - 1);
        ah[i] = Stability.maxStableAlphaH(b[i], tau);
      }
      lines.add(new Plots.Line("tau = " + tau, ah, b));
    }
    Plots.lines(png, "Stable region of delayed heavy ball (left of each curve)", "largest stable alpha * h", "momentum beta",
        lines, false);
    return lines;
  }
}
