package io.impetus.cli;

import java.util.List;
import java.util.Map;
import org.apache.commons.cli.CommandLine;

/**
 * Typed access to a parsed command line, with environment-variable fallbacks (so Kubernetes can set
 * per-pod values such as the rank without templating the arguments). A value that does not parse
 * raises a {@link UsageException} naming the flag.
 */
public final class Flags {
  private final CommandLine line;
  private final Map<String, String> env;

  public Flags(CommandLine line, Map<String, String> env) {
    this.line = line;
    this.env = env;
  }

  /** The parsed command line, e.g. to write the exact command into a run folder. */
  public CommandLine commandLine() {
    return line;
  }

  /** Whether the flag was given on the command line. */
  public boolean has(String flag) {
    return line.hasOption(flag);
  }

  /** Every value of a repeatable flag, in order (empty when absent). */
  public List<String> all(String flag) {
    String[] values = line.getOptionValues(flag);
    return values == null ? List.of() : List.of(values);
  }

  /** An environment variable, or null when unset or blank (for values derived from the environment). */
  public String env(String var) {
    String v = env.get(var);
    return v == null || v.isBlank() ? null : v.trim();
  }

  /** Positional arguments. */
  public List<String> positional() {
    return line.getArgList();
  }

  /** The flag's value, else the first set environment variable among {@code envVars}, else null. */
  public String string(String flag, String... envVars) {
    String value = line.getOptionValue(flag);
    if (value != null) {
      return value;
    }
    for (String var : envVars) {
      String v = env.get(var);
      if (v != null && !v.isBlank()) {
        return v.trim();
      }
    }
    return null;
  }

  /** The flag's value or {@code fallback}. */
  public String stringOr(String flag, String fallback, String... envVars) {
    String v = string(flag, envVars);
    return v == null ? fallback : v;
  }

  /** A whole number, or {@code fallback} when absent. */
  public int integer(String flag, int fallback, String... envVars) {
    Long v = longOrNull(flag, envVars);
    if (v == null) {
      return fallback;
    }
    if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
      throw new UsageException("--" + flag + " is out of range: " + v);
    }
    return v.intValue();
  }

  /** A whole number, or null when absent. */
  public Long longOrNull(String flag, String... envVars) {
    String v = string(flag, envVars);
    if (v == null) {
      return null;
    }
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw new UsageException("--" + flag + " expects a whole number, got '" + v + "'");
    }
  }

  /** A number, or {@code fallback} when absent. */
  public double number(String flag, double fallback, String... envVars) {
    String v = string(flag, envVars);
    if (v == null) {
      return fallback;
    }
    try {
      double d = Double.parseDouble(v.trim());
      if (!Double.isFinite(d)) {
        throw new NumberFormatException();
      }
      return d;
    } catch (NumberFormatException e) {
      throw new UsageException("--" + flag + " expects a number, got '" + v + "'");
    }
  }

  /** A choice parsed by {@code parser}; its IllegalArgumentException becomes a usage error naming the flag. */
  public <T> T choice(String flag, T fallback, java.util.function.Function<String, T> parser, String... envVars) {
    String v = string(flag, envVars);
    if (v == null) {
      return fallback;
    }
    try {
      return parser.apply(v.trim());
    } catch (IllegalArgumentException e) {
      throw new UsageException("--" + flag + ": " + e.getMessage());
    }
  }
}
