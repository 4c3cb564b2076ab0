package io.impetus.cli;

import io.impetus.wire.BearerToken;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.cli.Options;

/**
 * {@code --token-file}, shared by {@code server}, {@code worker} and {@code local}: the file whose
 * content is the job's bearer token (see docs/wire.md, Authentication). Without it, shards trust
 * every caller.
 */
public final class TokenFlags {
  private TokenFlags() {}

  /** The flag's name. */
  public static final String FLAG = "token-file";

  /** The environment variable that stands in for the flag (in Kubernetes: the mounted Secret's path). */
  public static final EnvVar ENVIRONMENT = EnvVar.forFlag("IMPETUS_TOKEN_FILE", FLAG);

  /** Adds the flag; {@code role} says what the token does for this command. */
  public static void addTo(Options o, String role) {
    o.addOption(OptimizerFlags.valued(FLAG, "FILE", "the job's shared bearer token is this file's content (trimmed,"
        + " at least " + BearerToken.MIN_LENGTH + " characters); " + role + " (default: none, shards trust every caller)"));
  }

  /** The file the flag (or its variable) names, or null. */
  public static Path file(Flags f) {
    String file = f.string(FLAG);
    return file == null ? null : Path.of(file);
  }

  /** The token in the file the flag names, or null without the flag; a bad file is a usage error naming both. */
  public static BearerToken parse(Flags f) {
    Path file = file(f);
    try {
      return file == null ? null : BearerToken.read(file, "--" + FLAG);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }

  /** The flags that pass {@code file} on (none for null). */
  public static List<String> toArgs(Path file) {
    return file == null ? List.of() : List.of("--" + FLAG, file.toString());
  }
}
