package io.impetus.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;

/**
 * Typed access to a parsed command line, with environment-variable fallbacks (so Kubernetes can set
 * per-pod values such as the rank without templating the arguments). A value that does not parse
 * raises a {@link UsageException} naming the flag.
 *
 * <p>The fallbacks come from the command's {@link Command#environment()} table, the same table its
 * help lists; a variable outside the table cannot be read. Renamed flags
 * ({@link Command#renamedFlags()}) are handled here once for every command: an old name on the
 * command line is read as the new one, with a one-line deprecation warning on stderr.
 */
public final class Flags {
  private final CommandLine line;
  private final Map<String, String> env;
  private final List<EnvVar> environment;
  private final String path;
  private final PrintStream warnings;

  /** A command line with no environment table (no variable can be read); warnings to stderr. */
  public Flags(CommandLine line, Map<String, String> env) {
    this(line, env, List.of(), "impetus", System.err);
  }

  /**
   * A command line of {@code impetus <path>}, reading the variables of {@code environment} from
   * {@code env}; warnings (deprecations) go to {@code warnings}.
   */
  public Flags(CommandLine line, Map<String, String> env, List<EnvVar> environment, String path, PrintStream warnings) {
    this.line = line;
    this.env = env;
    this.environment = List.copyOf(environment);
    this.path = path;
    this.warnings = warnings;
  }

  /** The option that asks for help: {@code -h} and {@code --help}, on every command. */
  public static Option helpOption() {
    return Option.builder("h").longOpt("help").desc("show this help").get();
  }

  /** What the parser accepts for {@code command}: its flags and {@code -h/--help}. */
  public static Options options(Command command) {
    Options options = command.options();
    for (String reserved : List.of("h", "help")) {
      if (options.hasOption(reserved)) {
        throw new IllegalStateException("impetus " + command.name() + " defines --" + reserved + ", which is -h/--help on every command");
      }
    }
    return options.addOption(helpOption());
  }

  /**
   * Parses {@code args} for {@code command} (named {@code path} in messages). Old names of renamed
   * flags are rewritten to the new ones first, each announced once on {@code warnings}.
   */
  public static Flags parse(Command command, String path, List<String> args, Map<String, String> env, PrintStream warnings)
      throws ParseException {
    List<String> rewritten = renamed(command.renamedFlags(), path, args, warnings);
    CommandLine line = DefaultParser.builder().setAllowPartialMatching(false).setDeprecatedHandler(o -> { })
        .get().parse(options(command), rewritten.toArray(String[]::new));
    return new Flags(line, env, command.environment(), path, warnings);
  }

  /** Parses {@code args} for {@code command}, warnings to stderr (tests and the Kubernetes manifests check). */
  public static Flags parse(Command command, List<String> args, Map<String, String> env) throws ParseException {
    return parse(command, command.name(), args, env, System.err);
  }

  /**
   * {@code args} with each {@code --old} or {@code --old=value} of {@code renames} replaced by the new
   * name. Tokens after {@code --} are arguments, left alone. One warning per old name.
   */
  static List<String> renamed(Map<String, String> renames, String path, List<String> args, PrintStream warnings) {
    if (renames.isEmpty()) {
      return args;
    }
    List<String> out = new ArrayList<>(args.size());
    Set<String> warned = new LinkedHashSet<>();
    boolean flagsEnded = false;
    for (String a : args) {
      if (a.equals("--")) {
        flagsEnded = true;
      }
      if (!flagsEnded && a.startsWith("--")) {
        int eq = a.indexOf('=');
        String name = eq < 0 ? a.substring(2) : a.substring(2, eq);
        String replacement = renames.get(name);
        if (replacement != null) {
          if (warned.add(name)) {
            deprecated(warnings, path, "--" + name, "--" + replacement);
          }
          a = "--" + replacement + (eq < 0 ? "" : a.substring(eq));
        }
      }
      out.add(a);
    }
    return out;
  }

  /** The one-line deprecation warning: {@code impetus <path>: --old is deprecated, use --new (...)}. */
  private static void deprecated(PrintStream warnings, String path, String old, String replacement) {
    warnings.println("impetus " + path + ": warning: " + old + " is deprecated, use " + replacement
        + " (the old form is removed in the next release)");
  }

  /** Prints the deprecation warning for a form the rename table cannot express (e.g. a value's meaning). */
  public void deprecated(String old, String replacement) {
    deprecated(warnings, path, old, replacement);
  }

  /** The parsed command line, e.g. to write the exact command into a run folder. */
  public CommandLine commandLine() {
    return line;
  }

  /** Whether the flag was given on the command line. */
  public boolean has(String flag) {
    return line.hasOption(flag);
  }

  /**
   * A switch: given on the command line, or one of its environment variables set to {@code true}
   * (e.g. {@code --no-doorbell} or {@code IMPETUS_NO_DOORBELL=true}).
   */
  public boolean enabled(String flag) {
    if (has(flag)) {
      return true;
    }
    String v = fromEnvironment(flag);
    return v != null && Boolean.parseBoolean(v);
  }

  /** Every value of a repeatable flag, in order (empty when absent). */
  public List<String> all(String flag) {
    String[] values = line.getOptionValues(flag);
    return values == null ? List.of() : List.of(values);
  }

  /**
   * An environment variable of the command's table, or null when unset or blank.
   *
   * @throws IllegalStateException when {@code var} is not in the table: help would not list it
   */
  public String env(String var) {
    if (environment.stream().noneMatch(e -> e.name().equals(var))) {
      throw new IllegalStateException(var + " is read but not in impetus " + path + "'s environment table (its help)");
    }
    String v = env.get(var);
    return v == null || v.isBlank() ? null : v.trim();
  }

  /** The first set variable of the table that stands in for {@code flag}, or null. */
  private String fromEnvironment(String flag) {
    for (EnvVar e : environment) {
      if (flag.equals(e.flag())) {
        String v = env(e.name());
        if (v != null) {
          return v;
        }
      }
    }
    return null;
  }

  /** Positional arguments. */
  public List<String> positional() {
    return line.getArgList();
  }

  /** The flag's value, else the first set environment variable standing in for it, else null. */
  public String string(String flag) {
    String value = line.getOptionValue(flag);
    return value != null ? value : fromEnvironment(flag);
  }

  /** The flag's value or {@code fallback}. */
  public String stringOr(String flag, String fallback) {
    String v = string(flag);
    return v == null ? fallback : v;
  }

  /** A whole number, or {@code fallback} when absent. */
  public int integer(String flag, int fallback) {
    Long v = longOrNull(flag);
    if (v == null) {
      return fallback;
    }
    if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
      throw new UsageException("--" + flag + " is out of range: " + v);
    }
    return v.intValue();
  }

  /** A whole number, or null when absent. */
  public Long longOrNull(String flag) {
    String v = string(flag);
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
  public double number(String flag, double fallback) {
    String v = string(flag);
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
  public <T> T choice(String flag, T fallback, java.util.function.Function<String, T> parser) {
    String v = string(flag);
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
