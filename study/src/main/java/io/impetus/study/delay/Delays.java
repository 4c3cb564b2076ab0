package io.impetus.study.delay;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the {@code --delay} spec: {@code fixed:τ}, {@code uniform:s}, {@code geometric:M},
 * {@code round-robin:M}, {@code histogram:FILE} or {@code trace:FILE[@shard=N]}. Every command that
 * takes delay specs (simulate, sweep, experiments) parses them here, so all accept the same forms.
 */
public final class Delays {
  /** The accepted forms, for help texts and error messages. */
  public static final String FORMS = "fixed:TAU, uniform:S, geometric:M, round-robin:M, histogram:FILE or trace:FILE[@shard=N]";
  private static final Pattern SHARD = Pattern.compile("(.+)@shard=([^@]*)");

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
        return HistogramDelay.read(file(spec, arg));
      case "trace":
        return trace(spec, arg);
      default:
        throw new IllegalArgumentException("unknown delay kind '" + kind + "' (expected " + FORMS + ")");
    }
  }

  private static TraceDelay trace(String spec, String arg) {
    Matcher m = SHARD.matcher(arg);
    if (!m.matches()) {
      return TraceDelay.read(file(spec, arg), null);
    }
    int shard;
    try {
      shard = Integer.parseInt(m.group(2).trim());
    } catch (NumberFormatException e) {
      shard = -1;
    }
    if (shard < 0) {
      throw new IllegalArgumentException("delay '" + spec + "' needs a whole number >= 0 after @shard=");
    }
    return TraceDelay.read(file(spec, m.group(1)), shard);
  }

  private static Path file(String spec, String arg) {
    if (arg.isBlank()) {
      throw new IllegalArgumentException("delay '" + spec + "' needs a file after the colon");
    }
    return Path.of(arg);
  }

  private static int integer(String spec, String arg) {
    try {
      return Integer.parseInt(arg.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("delay '" + spec + "' needs a whole number after the colon");
    }
  }
}
