package io.impetus.study.theory;

import io.impetus.json.FiniteJson;
import io.impetus.study.simulate.Fmt;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.complex.Complex;

/**
 * The analysis {@code impetus study theory} prints: per eigenvalue the polynomial (or companion
 * matrix), its roots and spectral radius; overall the rate (the slowest eigenvalue's), convergence,
 * the largest stable α, and with measuring the real optimizer's fitted rate beside it
 * ({@link RateMeasurement}: a number for every setting whose spectral radius is at least 1e−3,
 * converging or diverging, and otherwise the reason there is none).
 */
public final class TheoryReport {
  private final TheoryConfig config;
  private final List<DelayedHeavyBall> modes = new ArrayList<>();
  private final double rate;
  private final double maxStableAlpha;
  private final RateMeasurement.Result measured;

  /** Analyses (and, if asked, simulates) {@code config}. */
  public TheoryReport(TheoryConfig config) {
    this.config = config;
    double r = 0;
    for (double h : config.curvatures()) {
      DelayedHeavyBall m = new DelayedHeavyBall(h, config.alpha(), config.beta(), config.tau());
      modes.add(m);
      r = Math.max(r, m.spectralRadius());
    }
    this.rate = r;
    this.maxStableAlpha = Stability.maxStableAlpha(config.curvatures(), config.beta(), config.tau());
    this.measured = config.measure()
        ? RateMeasurement.measure(config.curvatures(), config.alpha(), config.beta(), config.tau(), config.steps(), rate)
        : null;
  }

  public double spectralRadius() {
    return rate;
  }

  public boolean converges() {
    return rate < 1;
  }

  public double maxStableAlpha() {
    return maxStableAlpha;
  }

  /** The measurement (a fitted rate, or why there is none), or null when not asked for. */
  public RateMeasurement.Result measurement() {
    return measured;
  }

  /** The JSON object of {@code --json}. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("curvatures", config.curvatures());
    m.put("alpha", config.alpha());
    m.put("beta", config.beta());
    m.put("delay", config.tau());
    List<Map<String, Object>> perMode = new ArrayList<>();
    List<List<Double>> allRoots = new ArrayList<>();
    for (DelayedHeavyBall mode : modes) {
      Map<String, Object> pm = new LinkedHashMap<>();
      pm.put("h", mode.h());
      pm.put("polynomial", mode.polynomialText());
      List<List<Double>> roots = new ArrayList<>();
      for (Complex z : mode.roots()) {
        roots.add(List.of(z.getReal(), z.getImaginary()));
      }
      pm.put("roots", roots);
      pm.put("spectral_radius", mode.spectralRadius());
      perMode.add(pm);
      allRoots.addAll(roots);
    }
    m.put("roots", allRoots);
    m.put("spectral_radius", rate);
    m.put("converges", converges());
    m.put("max_stable_alpha", maxStableAlpha);
    if (measured != null) {
      m.put("measured_rate", measured.measured() ? measured.rate() : null);
      if (!measured.measured()) {
        m.put("measured_rate" + FiniteJson.NOTE, measured.note());
      }
      m.put("measured_updates", measured.updates());
    }
    if (modes.size() > 1) {
      m.put("modes", perMode);
    }
    return m;
  }

  /** The human-readable form. */
  public String toText() {
    StringBuilder sb = new StringBuilder();
    sb.append("delayed heavy ball: x_{t+1} = x_t - alpha*h*x_{t-tau} + beta*(x_t - x_{t-1})\n");
    sb.append("alpha = ").append(Fmt.num(config.alpha())).append(", beta = ").append(Fmt.num(config.beta()))
        .append(", tau = ").append(config.tau()).append('\n');
    for (DelayedHeavyBall mode : modes) {
      sb.append("\nh = ").append(Fmt.num(mode.h())).append(" (alpha*h = ").append(Fmt.num(mode.alpha() * mode.h())).append(")\n");
      if (mode.tau() == 0) {
        double[][] a = mode.companionMatrix();
        sb.append("  companion matrix on (x_t, x_{t-1}):\n");
        sb.append(String.format("    [ %10s  %10s ]%n", Fmt.num(a[0][0]), Fmt.num(a[0][1])));
        sb.append(String.format("    [ %10s  %10s ]%n", Fmt.num(a[1][0]), Fmt.num(a[1][1])));
      }
      sb.append("  characteristic polynomial: ").append(mode.polynomialText()).append('\n');
      sb.append("  roots (|z|):\n");
      for (Complex z : mode.roots()) {
        sb.append(String.format("    %s  (%s)%n", complex(z), Fmt.fixed(z.abs(), 6)));
      }
      sb.append("  spectral radius: ").append(Fmt.fixed(mode.spectralRadius(), 6)).append('\n');
    }
    sb.append('\n');
    sb.append("predicted rate (spectral radius): ").append(Fmt.fixed(rate, 6)).append('\n');
    if (measured != null) {
      sb.append("measured rate (real optimizer in float32");
      if (measured.measured()) {
        sb.append(", ").append(measured.updates()).append(" updates): ").append(Fmt.fixed(measured.rate(), 6))
            .append(String.format("   (%+.3f%%)", 100 * (measured.rate() - rate) / rate));
      } else {
        sb.append("): ").append(measured.note());
      }
      sb.append('\n');
    }
    sb.append("converges: ").append(converges() ? "yes" : "no").append('\n');
    sb.append("largest stable alpha for beta = ").append(Fmt.num(config.beta())).append(", tau = ").append(config.tau())
        .append(": ").append(Fmt.fixed(maxStableAlpha, 6)).append('\n');
    return sb.toString();
  }

  private static String complex(Complex z) {
    double im = Math.abs(z.getImaginary()) < 1e-12 ? 0 : z.getImaginary();
    return String.format("%+.6f %s %.6fi", z.getReal(), im < 0 ? "-" : "+", Math.abs(im));
  }
}
