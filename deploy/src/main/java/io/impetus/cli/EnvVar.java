package io.impetus.cli;

/**
 * One environment variable a command reads: the table {@link Command#environment()} is what
 * {@link Flags} consults for a flag's fallback and what the command's help lists, so the two cannot
 * drift apart. Reading a variable that is not in the table is a programming error
 * ({@link Flags#env} throws).
 *
 * @param name the variable, e.g. {@code IMPETUS_PORT}
 * @param flag the flag (without {@code --}) it stands in for when that flag is absent, or null when
 *     the command reads it for some other purpose
 * @param description what it does, for help (may be empty for a plain flag fallback)
 */
public record EnvVar(String name, String flag, String description) {

  /** A fallback for {@code --flag}. */
  public static EnvVar forFlag(String name, String flag) {
    return new EnvVar(name, flag, "");
  }

  /** A fallback for {@code --flag}, with a note for help. */
  public static EnvVar forFlag(String name, String flag, String note) {
    return new EnvVar(name, flag, note);
  }

  /** A variable read for its own sake. */
  public static EnvVar of(String name, String description) {
    return new EnvVar(name, null, description);
  }

  /** The variables of {@code tables}, in order: a command's table built from shared ones. */
  @SafeVarargs
  public static java.util.List<EnvVar> join(java.util.List<EnvVar>... tables) {
    java.util.List<EnvVar> all = new java.util.ArrayList<>();
    for (java.util.List<EnvVar> t : tables) {
      all.addAll(t);
    }
    return java.util.List.copyOf(all);
  }

  /** The line help shows after the name. */
  String helpText() {
    if (flag == null) {
      return description;
    }
    return "--" + flag + (description.isEmpty() ? "" : " (" + description + ")");
  }
}
