package io.impetus.cli.study;

import io.impetus.cli.Command;
import io.impetus.cli.CommandGroup;
import java.util.List;

/** {@code impetus study}: staleness × momentum, simulated in one process, predicted, swept and reported. */
public final class StudyCommand implements CommandGroup {

  @Override
  public String name() {
    return "study";
  }

  @Override
  public String summary() {
    return "study staleness x momentum: simulate, theory, stability, sweep, report, named experiments";
  }

  @Override
  public String footer() {
    return "\nStart with: impetus study run --list   or   impetus study theory --kappa 10 --measure\n";
  }

  @Override
  public List<Command> subcommands() {
    return List.of(new SimulateCommand(), new TheoryCommand(), new StabilityCommand(), new SweepCommand(), new ReportCommand(),
        new RunCommand());
  }
}
