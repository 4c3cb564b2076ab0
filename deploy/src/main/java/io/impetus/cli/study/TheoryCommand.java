package io.impetus.cli.study;

import io.impetus.cli.Command;
import io.impetus.cli.Flags;
import io.impetus.cli.UsageException;
import io.impetus.cli.OptimizerFlags;
import io.impetus.study.simulate.Problem;
import io.impetus.study.theory.Stability;
import io.impetus.study.theory.TheoryConfig;
import io.impetus.study.theory.TheoryReport;
import org.apache.commons.cli.Options;

/** {@code impetus study theory}: roots, rate and stability of delayed heavy ball on a quadratic. */
final class TheoryCommand implements Command {

  @Override
  public String name() {
    return "theory";
  }

  @Override
  public String summary() {
    return "predicted rate and stability of delayed heavy ball on a quadratic (optionally measured)";
  }

  @Override
  public String footer() {
    return "\nx_{t+1} = x_t - alpha*h*x_{t-tau} + beta*(x_t - x_{t-1}); characteristic polynomial\n"
        + "z^{tau+1} - (1+beta) z^tau + beta z^{tau-1} + alpha h (tau >= 1), z^2 - (1+beta-alpha h) z + beta (tau = 0).\n"
        + "With --kappa and no --alpha/--beta, uses Polyak's optimum for eigenvalues in [1, kappa].\n"
        + "Examples: impetus study theory --curvature 1 --alpha 0.5 --beta 0.5 --delay 2 --measure\n"
        + "          impetus study theory --kappa 10 --json";
  }

  @Override
  public java.util.Map<String, String> renamedFlags() {
    return StudyFlags.RENAMED;
  }

  @Override
  public Options options() {
    Options o = new Options();
    o.addOption(OptimizerFlags.valued("curvature", "H[,H...]", "curvature h, or the eigenvalues of a diagonal quadratic (default 1)"));
    o.addOption(OptimizerFlags.valued("kappa", "K", "eigenvalues {1, K}"));
    o.addOption(OptimizerFlags.valued("alpha", "A", "step size (default 0.1, or Polyak's with --kappa)"));
    o.addOption(OptimizerFlags.valued("beta", "B", "heavy-ball momentum in [0, 1) (default 0, or Polyak's with --kappa)"));
    o.addOption(OptimizerFlags.valued("delay", "TAU", "fixed delay tau, as TAU or fixed:TAU (default 0)"));
    o.addOption(StudyFlags.flag("measure", "also run the real optimizer (float32, state rescaled so it never under- or "
        + "overflows) on the same problem and print the rate fitted over the late half of its updates"));
    o.addOption(OptimizerFlags.valued("steps", "T", "updates with --measure (default 3000)"));
    o.addOption(StudyFlags.flag("json", "print one JSON object instead of text"));
    return o;
  }

  @Override
  public int run(Flags f) throws Exception {
    TheoryConfig config;
    try {
      if (f.has("curvature") && f.has("kappa")) {
        throw new UsageException("give --curvature or --kappa, not both");
      }
      double[] h = f.has("kappa") ? Problem.kappa(f.number("kappa", 10), 2).curvatures()
          : f.has("curvature") ? StudyFlags.doubles(f, "curvature").stream().mapToDouble(Double::doubleValue).toArray() : new double[] {1};
      boolean polyak = f.has("kappa") && !f.has("alpha") && !f.has("beta");
      double mu = h[0];
      double l = h[h.length - 1];
      double alpha = f.number("alpha", polyak ? Stability.polyakAlpha(mu, l) : 0.1);
      double beta = f.number("beta", polyak ? Stability.polyakBeta(mu, l) : 0);
      String d = f.stringOr("delay", "0");
      int tau;
      try {
        tau = Integer.parseInt(d.startsWith("fixed:") ? d.substring(6) : d);
      } catch (NumberFormatException e) {
        throw new UsageException("--delay expects a whole number or fixed:TAU, got '" + d + "'");
      }
      config = new TheoryConfig(h, alpha, beta, tau, f.has("measure"), f.integer("steps", 3000));
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    TheoryReport report = new TheoryReport(config);
    System.out.print(f.has("json") ? io.impetus.json.FiniteJson.write(report.toMap()) + "\n" : report.toText());
    return 0;
  }
}
