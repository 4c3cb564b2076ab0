package io.impetus.client;

import java.util.Arrays;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Finds the constant of a command-line choice enum by its name on the command line (case and
 * surrounding blanks ignored); an unknown name is an {@link IllegalArgumentException} naming the
 * flag, the choices and what was given.
 */
final class CliNames {
  private CliNames() {}

  static <E extends Enum<E>> E parse(E[] choices, Function<E, String> cliName, String flag, String name) {
    for (E choice : choices) {
      if (cliName.apply(choice).equalsIgnoreCase(name.trim())) {
        return choice;
      }
    }
    throw new IllegalArgumentException(flag + " must be one of "
        + Arrays.stream(choices).map(cliName).collect(Collectors.joining(", ")) + ", got '" + name + "'");
  }
}
