package io.impetus.train;

import java.util.SplittableRandom;

/**
 * An artificial delay added to every step of a worker, to produce stragglers and staleness on one
 * machine. Command-line forms (milliseconds): {@code none}, {@code fixed:MS},
 * {@code uniform:LO:HI}, {@code exponential:MEAN}, {@code lognormal:MEDIAN:SIGMA}. Random delays
 * are drawn from a generator seeded per worker, so a run's delays repeat with its seed.
 *
 * @param kind the distribution
 * @param a fixed: the delay; uniform: low; exponential: mean; lognormal: median
 * @param b uniform: high; lognormal: sigma of the log; unused otherwise
 */
public record WorkerDelay(Kind kind, double a, double b) {

  /** The distributions. */
  public enum Kind {
    NONE,
    FIXED,
    UNIFORM,
    EXPONENTIAL,
    LOGNORMAL
  }

  /** Validates the parameters. */
  public WorkerDelay {
    if (!(a >= 0) || !(b >= 0) || Double.isInfinite(a) || Double.isInfinite(b)) {
      throw new IllegalArgumentException("--worker-delay needs finite, non-negative numbers");
    }
    if (kind == Kind.UNIFORM && b < a) {
      throw new IllegalArgumentException("--worker-delay uniform:LO:HI needs LO <= HI, got " + a + ":" + b);
    }
  }

  /** No delay. */
  public static WorkerDelay none() {
    return new WorkerDelay(Kind.NONE, 0, 0);
  }

  /** Parses the command-line form. */
  public static WorkerDelay parse(String spec) {
    String[] f = spec.trim().split(":");
    try {
      switch (f[0]) {
        case "none":
          arity(spec, f, 1);
          return none();
        case "fixed":
          arity(spec, f, 2);
          return new WorkerDelay(Kind.FIXED, Double.parseDouble(f[1]), 0);
        case "uniform":
          arity(spec, f, 3);
          return new WorkerDelay(Kind.UNIFORM, Double.parseDouble(f[1]), Double.parseDouble(f[2]));
        case "exponential":
          arity(spec, f, 2);
          return new WorkerDelay(Kind.EXPONENTIAL, Double.parseDouble(f[1]), 0);
        case "lognormal":
          arity(spec, f, 3);
          return new WorkerDelay(Kind.LOGNORMAL, Double.parseDouble(f[1]), Double.parseDouble(f[2]));
        default:
          throw new IllegalArgumentException("unknown delay '" + spec
              + "' (expected none, fixed:MS, uniform:LO:HI, exponential:MEAN or lognormal:MEDIAN:SIGMA)");
      }
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("delay '" + spec + "' has a malformed number");
    }
  }

  private static void arity(String spec, String[] f, int n) {
    if (f.length != n) {
      throw new IllegalArgumentException("delay '" + spec + "' needs " + (n - 1) + " number(s) after the name");
    }
  }

  /** The command-line form. */
  public String spec() {
    switch (kind) {
      case FIXED:
        return "fixed:" + a;
      case UNIFORM:
        return "uniform:" + a + ":" + b;
      case EXPONENTIAL:
        return "exponential:" + a;
      case LOGNORMAL:
        return "lognormal:" + a + ":" + b;
      default:
        return "none";
    }
  }

  /** The next delay in milliseconds. */
  public double nextMillis(SplittableRandom random) {
    switch (kind) {
      case FIXED:
        return a;
      case UNIFORM:
        return a + (b - a) * random.nextDouble();
      case EXPONENTIAL:
        return -a * Math.log(1 - random.nextDouble());
      case LOGNORMAL:
        return a * Math.exp(b * gaussian(random));
      default:
        return 0;
    }
  }

  private static double gaussian(SplittableRandom random) {
    double u = 1 - random.nextDouble();
    double v = random.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}
