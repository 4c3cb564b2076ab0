package io.impetus.study.delay;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** Parses the {@code --delay} spec: {@code fixed:τ}, {@code uniform:s}, {@code geometric:M}, {@code round-robin:M}, {@code histogram:FILE}. */
public final class Delays {
  /** The accepted forms, for help texts and error messages. */
  public static final String FORMS = "fixed:TAU, uniform:S, geometric:M, round-robin:M or histogram:FILE";

  private Delays() {}

  /**
   * The scheduler {@code spec} names.
   *
   * @throws IllegalArgumentException naming the problem and the accepted forms
   */
  public static DelayScheduler parse(String spec) {
    int colon = spec.indexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException("delay '" + spec + "' is not one of " + FORMS);
    }
    String kind = spec.substring(0, colon);
    String arg = spec.substring(colon + 1);
    switch (kind) {
      case "fixed":
        return new FixedDelay(integer(spec, arg));
      case "uniform":
        return new UniformDelay(integer(spec, arg));
      case "geometric":
        return new GeometricDelay(integer(spec, arg));
      case "round-robin":
        return FixedDelay.roundRobin(integer(spec, arg));
      case "histogram":
        try {
          return HistogramDelay.read(Path.of(arg));
        } catch (IOException e) {
          throw new UncheckedIOException("cannot read delay histogram " + arg + ": " + e.getMessage(), e);
        }
      default:
        throw new IllegalArgumentException("unknown delay kind '" + kind + "' (expected " + FORMS + ")");
    }
  }

  private static int integer(String spec, String arg) {
    try {
      return Integer.parseInt(arg.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("delay '" + spec + "' needs a whole number after the colon");
    }
  }
}
