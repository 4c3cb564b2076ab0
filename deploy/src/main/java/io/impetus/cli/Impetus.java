package io.impetus.cli;

import io.impetus.local.LocalCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.commons.cli.AlreadySelectedException;
import org.apache.commons.cli.HelpFormatter;
import org.apache.commons.cli.MissingArgumentException;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;
import org.apache.commons.cli.UnrecognizedOptionException;

/**
 * The {@code impetus} command line: {@code impetus <command> [flags]}. Exit codes: 0 success,
 * 1 the command ran and failed, 2 the command line was wrong (a one-line message names the flag).
 */
public final class Impetus {
  /**
   * netlib's BLAS logs a WARNING at start-up when its Vector API implementation cannot load, which
   * is the case whenever a native BLAS is installed: {@code ./impetus} then leaves the incubator
   * module out on purpose, since the matrix products go to the native library. The warning would
   * only mislead, so its logger is held at SEVERE (held in a field: java.util.logging keeps loggers
   * weakly, and a collected one would forget its level).
   */
  private static final Logger NETLIB_INIT_LOG = Logger.getLogger("dev.ludovic.netlib.blas.InstanceBuilder");

  private final Map<String, Command> commands = new LinkedHashMap<>();

  /** The command line with every command registered. */
  public Impetus() {
    for (Command c : List.of(new LocalCommand(), new ServerCommand(), new WorkerCommand(), new ReplayCommand(),
        new io.impetus.cli.study.StudyCommand(), new CompareCommand(), new ExportCommand(),
        new io.impetus.local.SummarizeCommand(), new BenchCommand(), new io.impetus.local.hosts.HostsCommand(),
        new CertsCommand())) {
      commands.put(c.name(), c);
    }
  }

  /** The registered commands, in the order {@code impetus --help} lists them (groups hold their sub-commands). */
  public List<Command> commands() {
    return List.copyOf(commands.values());
  }

  public static void main(String[] args) {
    quietenLibraries();
    System.exit(new Impetus().run(args, System.getenv()));
  }

  /** Silences library start-up warnings that would mislead (see the netlib logger above); every main calls it. */
  public static void quietenLibraries() {
    NETLIB_INIT_LOG.setLevel(Level.SEVERE);
  }

  /** Runs {@code args}; returns the exit code. */
  public int run(String[] args, Map<String, String> env) {
    if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
      System.out.print(overview());
      return args.length == 0 ? 2 : 0;
    }
    if (args[0].equals("--version") || args[0].equals("-V")) {
      System.out.print(version());
      return 0;
    }
    Command command = commands.get(args[0]);
    if (command instanceof LocalCommand) {
      // command.txt records the command with today's flag names, so running it again warns of nothing.
      command = new LocalCommand().withArgs(Flags.renamed(command.renamedFlags(), "local", Arrays.asList(args),
          new java.io.PrintStream(java.io.OutputStream.nullOutputStream())));
    }
    if (command == null) {
      System.err.println("impetus: unknown command '" + args[0] + "' (expected one of " + String.join(", ", commands.keySet()) + "; see impetus --help)");
      return 2;
    }
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    if (command instanceof CommandGroup group) {
      return runGroup(group, rest, env);
    }
    return runCommand(command.name(), command, rest, env);
  }

  /** {@code impetus <group> <sub> [flags]}: the group's help, or the sub-command run like any command. */
  private static int runGroup(CommandGroup group, String[] args, Map<String, String> env) {
    if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
      System.out.print(groupHelp(group));
      return args.length == 0 ? 2 : 0;
    }
    for (Command sub : group.subcommands()) {
      if (sub.name().equals(args[0])) {
        return runCommand(group.name() + " " + sub.name(), sub, Arrays.copyOfRange(args, 1, args.length), env);
      }
    }
    List<String> names = group.subcommands().stream().map(Command::name).toList();
    System.err.println("impetus " + group.name() + ": unknown command '" + args[0] + "' (expected one of "
        + String.join(", ", names) + "; see impetus " + group.name() + " --help)");
    return 2;
  }

  /** {@code impetus <group> --help}. */
  public static String groupHelp(CommandGroup group) {
    StringBuilder sb = new StringBuilder(group.summary()).append("\n\n");
    sb.append("usage: impetus ").append(group.name()).append(" <command> [flags]   (impetus ").append(group.name())
        .append(" <command> --help for its flags)\n\ncommands:\n");
    for (Command c : group.subcommands()) {
      sb.append(String.format("  %-10s %s%n", c.name(), c.summary()));
    }
    sb.append(group.footer());
    return sb.toString();
  }

  /** Parses {@code rest} against {@code command}'s flags and runs it; {@code path} names it in messages. */
  private static int runCommand(String path, Command command, String[] rest, Map<String, String> env) {
    try {
      Flags flags = Flags.parse(command, path, Arrays.asList(rest), env, System.err);
      if (flags.has("help")) {
        System.out.print(help(path, command));
        return 0;
      }
      if (command.positional().isEmpty() && !flags.positional().isEmpty()) {
        throw new UsageException("unexpected argument '" + flags.positional().get(0) + "'");
      }
      return command.run(flags);
    } catch (UnrecognizedOptionException e) {
      return usage(path, "unknown flag " + e.getOption());
    } catch (MissingArgumentException e) {
      return usage(path, "flag --" + e.getOption().getLongOpt() + " needs a value");
    } catch (AlreadySelectedException e) {
      return usage(path, e.getMessage());
    } catch (ParseException e) {
      return usage(path, e.getMessage());
    } catch (UsageException e) {
      return usage(path, e.getMessage());
    } catch (Exception e) {
      System.err.println("impetus " + path + ": " + describe(e));
      return 1;
    }
  }

  private static int usage(String path, String message) {
    System.err.println("impetus " + path + ": " + message + " (see impetus " + path + " --help)");
    return 2;
  }

  private static String describe(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null && (cause.getMessage() == null || cause instanceof java.util.concurrent.CompletionException)) {
      cause = cause.getCause();
    }
    return cause.getMessage() == null ? cause.toString() : cause.getMessage();
  }

  /** {@code impetus --help}. */
  public String overview() {
    StringBuilder sb = new StringBuilder();
    sb.append("Impetus: a data-parallel trainer with a sharded parameter server.\n\n");
    sb.append("usage: impetus <command> [flags]   (impetus <command> --help for its flags)\n\ncommands:\n");
    for (Command c : commands.values()) {
      sb.append(String.format("  %-8s %s%n", c.name(), c.summary()));
    }
    sb.append("\nStart with: impetus local   (2 shards, 4 workers, the mlp-x2 demo, a run folder under runs/)\n");
    sb.append("impetus --version (-V) prints the version; -h or --help works on every command and sub-command.\n");
    return sb.toString();
  }

  /** The project's version: the build's filtered resource, else the jar manifest's Implementation-Version. */
  public static String projectVersion() {
    try (java.io.InputStream in = Impetus.class.getResourceAsStream("version.properties")) {
      if (in != null) {
        java.util.Properties p = new java.util.Properties();
        p.load(in);
        String v = p.getProperty("version", "");
        if (!v.isBlank() && !v.startsWith("${")) {
          return v.trim();
        }
      }
    } catch (java.io.IOException e) {
      // fall through to the manifest
    }
    String manifest = Impetus.class.getPackage().getImplementationVersion();
    return manifest != null ? manifest : "unknown (not built by Maven)";
  }

  /** {@code impetus --version}: the project's version and the Java that runs it. */
  public static String version() {
    return "impetus " + projectVersion() + "\n"
        + "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ", "
        + System.getProperty("java.vm.name") + "; " + System.getProperty("os.name") + " " + System.getProperty("os.arch") + ")\n";
  }

  /** {@code impetus <command> --help}. */
  public static String help(Command command) {
    return help(command.name(), command);
  }

  /** {@code impetus <path> --help}, where path may be {@code group sub}. */
  public static String help(String path, Command command) {
    Options options = Flags.options(command);
    HelpFormatter formatter = new HelpFormatter();
    formatter.setWidth(110);
    formatter.setOptionComparator(null);
    StringWriter out = new StringWriter();
    PrintWriter pw = new PrintWriter(out);
    String syntax = "impetus " + path + " [flags]" + (command.positional().isEmpty() ? "" : " " + command.positional());
    formatter.printHelp(pw, 110, syntax, command.summary() + "\n\n", options, 2, 2, command.footer() + notes(command), false);
    pw.flush();
    return out.toString();
  }

  /** Help's closing notes from the command's tables: the environment it reads and the flags it renamed. */
  static String notes(Command command) {
    StringBuilder sb = new StringBuilder();
    if (!command.environment().isEmpty()) {
      sb.append("\n\nEnvironment (read when the flag is absent; a flag on the command line wins):\n");
      int width = command.environment().stream().mapToInt(e -> e.name().length()).max().orElse(0);
      for (EnvVar e : command.environment()) {
        sb.append(String.format("  %-" + width + "s  %s%n", e.name(), e.helpText()));
      }
    }
    if (!command.renamedFlags().isEmpty()) {
      sb.append(command.environment().isEmpty() ? "\n\n" : "\n");
      sb.append("Renamed flags (the old names still work in this release, with a warning):\n");
      command.renamedFlags().entrySet().stream().sorted(Map.Entry.comparingByKey())
          .forEach(r -> sb.append("  --").append(r.getKey()).append(" -> --").append(r.getValue()).append('\n'));
    }
    return sb.toString().stripTrailing();
  }
}
