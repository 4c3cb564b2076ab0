package io.impetus.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.impetus.local.LocalCommand;
import io.impetus.wire.BearerToken;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --token-file} on {@code server}, {@code worker} and {@code local}, with IMPETUS_TOKEN_FILE as
 * fallback; a bad file is a usage error naming the flag and the file.
 */
class TokenFlagsTest {
  private static final String SECRET = "0123456789abcdef0123456789abcdef";

  @TempDir Path dir;

  private static BearerToken token(Command command, List<String> args, Map<String, String> env) throws Exception {
    return TokenFlags.parse(Flags.parse(command, args, env));
  }

  @Test
  void withoutTheFlagOrItsVariableThereIsNoToken() throws Exception {
    assertNull(token(new ServerCommand(), List.of(), Map.of()));
    assertNull(token(new WorkerCommand(), List.of(), Map.of()));
  }

  @Test
  void serverAndWorkerReadTheFlagOrItsVariable() throws Exception {
    Path file = Files.writeString(dir.resolve("token"), SECRET + "\n");
    assertTrue(token(new ServerCommand(), List.of("--token-file", file.toString()), Map.of())
        .matches("Bearer " + SECRET));
    assertTrue(token(new WorkerCommand(), List.of(), Map.of("IMPETUS_TOKEN_FILE", file.toString()))
        .matches("Bearer " + SECRET));
  }

  @Test
  void aMissingEmptyOrShortFileIsAUsageErrorNamingTheFlagAndTheFile() throws Exception {
    Path missing = dir.resolve("missing");
    Path empty = Files.writeString(dir.resolve("empty"), "");
    Path shortOne = Files.writeString(dir.resolve("short"), "0123456789");
    for (Path bad : List.of(missing, empty, shortOne)) {
      String message = assertThrows(UsageException.class,
          () -> token(new ServerCommand(), List.of("--token-file", bad.toString()), Map.of())).getMessage();
      assertTrue(message.startsWith("--token-file " + bad + ": "), message);
      assertTrue(message.lines().count() == 1, message);
    }
  }

  @Test
  void localPassesTheFileOnAsAnAbsolutePathAndRefusesABadOneBeforeStartingAnything() throws Exception {
    Path file = Files.writeString(dir.resolve("token"), SECRET);
    LocalCommand local = new LocalCommand();
    List<String> args = new ArrayList<>(List.of("--model", "quadratic", "--steps", "3", "--out", "runs/x"));
    assertNull(local.parse(Flags.parse(local, args, Map.of())).tokenFile());
    args.addAll(List.of("--token-file", file.toString()));
    assertEquals(file.toAbsolutePath(), local.parse(Flags.parse(local, args, Map.of())).tokenFile());
    assertEquals(List.of("--token-file", file.toAbsolutePath().toString()), TokenFlags.toArgs(file.toAbsolutePath()));

    List<String> bad = new ArrayList<>(args.subList(0, 6));
    bad.addAll(List.of("--token-file", dir.resolve("missing").toString()));
    assertThrows(UsageException.class, () -> local.parse(Flags.parse(local, bad, Map.of())));
  }
}
