package io.impetus.cli;

import org.apache.commons.cli.Options;

/**
 * One {@code impetus <command>}: its flags and what it does with them. {@link #run} returns the
 * process exit code; it throws {@link UsageException} for a flag it cannot accept.
 */
public interface Command {

  /** The word after {@code impetus}. */
  String name();

  /** One line for {@code impetus --help}. */
  String summary();

  /** Text after the flag list in {@code impetus <command> --help}: examples, defaults, notes. */
  default String footer() {
    return "";
  }

  /** Usage line arguments after the flags, e.g. {@code FILE...}. */
  default String positional() {
    return "";
  }

  /**
   * The environment variables this command reads, each as a flag's fallback or for its own sake.
   * {@link Flags} reads only these and help lists them (empty: the command reads none).
   */
  default java.util.List<EnvVar> environment() {
    return java.util.List.of();
  }

  /**
   * Flags renamed in this release, old name to new name (without {@code --}): the old name is still
   * accepted, with a one-line warning naming the new one, and help lists the renames.
   */
  default java.util.Map<String, String> renamedFlags() {
    return java.util.Map.of();
  }

  /** The flags this command accepts (without --help, which every command has). */
  Options options();

  /** Runs the command. */
  int run(Flags flags) throws Exception;
}
