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

  /** The flags this command accepts (without --help, which every command has). */
  Options options();

  /** Runs the command. */
  int run(Flags flags) throws Exception;
}
