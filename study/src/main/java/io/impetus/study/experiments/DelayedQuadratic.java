package io.impetus.study.experiments;

import io.impetus.study.output.Plots;
import io.impetus.study.simulate.Fmt;
import io.impetus.study.theory.DelayedHeavyBall;
import io.impetus.study.theory.RateMeasurement;
import io.impetus.study.theory.Stability;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code delayed-quadratic}: on f = x²/2 the real optimizer's measured rate ({@link RateMeasurement})
 * equals the spectral radius of the delayed heavy-ball polynomial within 1% over a grid of (α, β, τ),
 * divergent settings included, and with β = 0 the stability threshold on αh is 2·sin(π / (2(2τ+1))).
 *
 * <p>Step sizes are chosen relative to each (β, τ)'s own threshold (30%, 70% and 105% of α_max), so
 * the grid covers fast, slow and divergent settings whatever the delay.
 */
public final class DelayedQuadratic implements Experiment {
  private static final double TOLERANCE = 0.01;

  @Override
  public String name() {
    return "delayed-quadratic";
  }

  @Override
  public String literature() {
    return "B. T. Polyak, \"Some methods of speeding up the convergence of iteration methods\", USSR Computational Mathematics and Mathematical Physics, 1964 (heavy ball); S. A. Levin and R. M. May, \"A note on difference-delay equations\", Theoretical Population Biology, 1976 (the stability threshold of x_{t+1} = x_t − a x_{t−τ})";
  }

  @Override
  public String claim() {
    return "On f = h/2 x^2 the measured rate of delayed heavy ball equals the spectral radius of "
        + "z^{tau+1} - (1+beta) z^tau + beta z^{tau-1} + alpha h within 1%, divergent settings included; with beta = 0 "
        + "the stability threshold on alpha h is 2 sin(pi / (2(2 tau + 1))).";
  }

  @Override
  public Outcome run(ExperimentOptions o) throws Exception {
    int[] taus = o.quick() ? new int[] {0, 2} : new int[] {0, 1, 2, 4, 8};
    double[] betas = o.quick() ? new double[] {0, 0.9} : new double[] {0, 0.5, 0.9};
    double[] fractions = {0.3, 0.7, 1.05};
    int steps = 3000;
    List<Map<String, Object>> table = new ArrayList<>();
    double worst = 0;
    int divergent = 0;
    List<Double> px = new ArrayList<>();
    List<Double> py = new ArrayList<>();
    for (int tau : taus) {
      for (double beta : betas) {
        double ahMax = Stability.maxStableAlphaH(beta, tau);
        for (double f : fractions) {
          double alpha = f * ahMax;
          double predicted = new DelayedHeavyBall(1, alpha, beta, tau).spectralRadius();
          double measured = measure(alpha, beta, tau, steps);
          double err = Math.abs(measured - predicted) / predicted;
          worst = Double.isNaN(err) ? Double.POSITIVE_INFINITY : Math.max(worst, err);
          divergent += predicted > 1 ? 1 : 0;
          px.add(predicted);
          py.add(measured);
          Map<String, Object> row = new LinkedHashMap<>();
          row.put("tau", tau);
          row.put("beta", beta);
          row.put("alpha_h", alpha);
          row.put("predicted_rate", predicted);
          row.put("measured_rate", measured);
          row.put("rel_error_pct", 100 * err);
          table.add(row);
        }
      }
    }
    o.log().accept(table.size() + " settings measured, worst relative error " + Fmt.fixed(100 * worst, 3) + "%");
    // The β = 0 threshold: theory against the closed form, and the measured rate on both sides of it.
    double worstThreshold = 0;
    boolean sidesOk = true;
    List<String> thresholds = new ArrayList<>();
    for (int tau = 0; tau <= (o.quick() ? 3 : 8); tau++) {
      double found = Stability.maxStableAlphaH(0, tau);
      double closed = Stability.plainThreshold(tau);
      worstThreshold = Math.max(worstThreshold, Math.abs(found - closed));
      double below = measure(0.98 * closed, 0, tau, steps);
      double above = measure(1.02 * closed, 0, tau, steps);
      sidesOk &= below < 1 && above > 1;
      thresholds.add("tau " + tau + ": " + Fmt.fixed(closed, 6) + " (measured rate " + Fmt.fixed(below, 4) + " at 0.98x, "
          + Fmt.fixed(above, 4) + " at 1.02x)");
    }
    Plots.scatter(o.out().resolve("measured-vs-predicted.png"), "Delayed heavy ball on x^2/2: measured vs predicted rate",
        "predicted rate (spectral radius)", "measured rate (real optimizer)",
        List.of(new Plots.Line("settings", unbox(px), unbox(py)), new Plots.Line("y = x", new double[] {0.3, 1.1}, new double[] {0.3, 1.1})));
    List<String> evidence = new ArrayList<>();
    evidence.add("max |measured - predicted| / predicted = " + Fmt.fixed(100 * worst, 3) + "% over " + table.size()
        + " settings (" + divergent + " divergent); tolerance 1%");
    evidence.add("beta = 0 threshold: root finder vs 2 sin(pi/(2(2tau+1))) differ by at most " + String.format("%.1e", worstThreshold)
        + "; the real optimizer converges just below and diverges just above it: " + (sidesOk ? "yes" : "NO"));
    evidence.addAll(thresholds);
    boolean supported = worst <= TOLERANCE && worstThreshold < 1e-6 && sidesOk;
    return new Outcome(supported, evidence, table);
  }

  /** The real optimizer (PyTorch-style momentum) on x²/2 from x = 1, as {@code study theory --measure} measures it. */
  static double measure(double alphaH, double beta, int tau, int steps) {
    double predicted = new DelayedHeavyBall(1, alphaH, beta, tau).spectralRadius();
    return RateMeasurement.measure(new double[] {1}, alphaH, beta, tau, steps, predicted).rate();
  }

  private static double[] unbox(List<Double> v) {
    return v.stream().mapToDouble(Double::doubleValue).toArray();
  }
}
