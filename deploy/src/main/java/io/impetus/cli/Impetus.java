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
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.HelpFormatter;
import org.apache.commons.cli.MissingArgumentException;
import org.apache.commons.cli.Option;
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
        new io.impetus.cli.study.StudyCommand(), new CompareCommand(), new BenchCommand())) {
      commands.put(c.name(), c);
    }
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
    Command command = commands.get(args[0]);
    if (command instanceof LocalCommand) {
      command = new LocalCommand().withArgs(Arrays.asList(args));
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
      Options options = command.options();
      options.addOption(helpOption(options));
      CommandLine line = DefaultParser.builder().setAllowPartialMatching(false).get().parse(options, rest);
      if (line.hasOption("help")) {
        System.out.print(help(path, command));
        return 0;
      }
      if (command.positional().isEmpty() && !line.getArgList().isEmpty()) {
        throw new UsageException("unexpected argument '" + line.getArgList().get(0) + "'");
      }
      return command.run(new Flags(line, env));
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

  /** --help, and -h unless the command has its own --h (the study's curvature), which -h would shadow. */
  private static Option helpOption(Options options) {
    return (options.hasLongOption("h") ? Option.builder() : Option.builder("h")).longOpt("help").desc("show this help").get();
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
    return sb.toString();
  }

  /** {@code impetus <command> --help}. */
  public static String help(Command command) {
    return help(command.name(), command);
  }

  /** {@code impetus <path> --help}, where path may be {@code group sub}. */
  public static String help(String path, Command command) {
    Options options = command.options();
    options.addOption(helpOption(options));
    HelpFormatter formatter = new HelpFormatter();
    formatter.setWidth(110);
    formatter.setOptionComparator(null);
    StringWriter out = new StringWriter();
    PrintWriter pw = new PrintWriter(out);
    String syntax = "impetus " + path + " [flags]" + (command.positional().isEmpty() ? "" : " " + command.positional());
    formatter.printHelp(pw, 110, syntax, command.summary() + "\n\n", options, 2, 2, command.footer(), false);
    pw.flush();
    return out.toString();
  }
}
