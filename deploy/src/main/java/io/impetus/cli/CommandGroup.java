package io.impetus.cli;

import java.util.List;
import org.apache.commons.cli.Options;

/**
 * A command with sub-commands, {@code impetus <group> <sub> [flags]} (e.g. {@code impetus study theory}).
 * {@link Impetus} dispatches to the sub-command; {@code impetus <group> --help} lists the subs and
 * {@code impetus <group> <sub> --help} a sub's flags. The group itself takes no flags and never runs.
 */
public interface CommandGroup extends Command {

  /** The sub-commands, in the order the group's help lists them. */
  List<Command> subcommands();

  @Override
  default Options options() {
    return new Options();
  }

  @Override
  default int run(Flags flags) {
    throw new UsageException("give a sub-command");
  }
}
