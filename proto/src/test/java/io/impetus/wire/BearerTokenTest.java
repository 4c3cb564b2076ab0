package io.impetus.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A bearer token: read from a file (trimmed, long enough), matched only by the exact header, never printed. */
class BearerTokenTest {
  private static final String SECRET = "0123456789abcdef0123456789abcdef";

  @TempDir Path dir;

  @Test
  void theTokenIsTheTrimmedFileContentAndMatchesOnlyItsOwnBearerHeader() throws Exception {
    Path file = Files.writeString(dir.resolve("token"), "  " + SECRET + "\n");
    BearerToken token = BearerToken.read(file, "--token-file");
    assertTrue(token.matches("Bearer " + SECRET));
    assertFalse(token.matches(null));
    assertFalse(token.matches(SECRET), "the scheme is part of the header");
    assertFalse(token.matches("Bearer " + SECRET.substring(1)));
    assertFalse(token.matches("Bearer " + SECRET + "0"));
    assertFalse(token.toString().contains(SECRET), "the token never reaches a log line");
  }

  @Test
  void anUnreadableEmptyOrShortFileIsRefusedNamingTheFlagAndTheFile() throws Exception {
    Path missing = dir.resolve("missing");
    String unreadable = assertThrows(IllegalArgumentException.class,
        () -> BearerToken.read(missing, "--token-file")).getMessage();
    assertTrue(unreadable.startsWith("--token-file " + missing + ": cannot read the token file"), unreadable);

    Path empty = Files.writeString(dir.resolve("empty"), " \n");
    assertEquals("--token-file " + empty + ": the token file is empty",
        assertThrows(IllegalArgumentException.class, () -> BearerToken.read(empty, "--token-file")).getMessage());

    Path shortOne = Files.writeString(dir.resolve("short"), "abc\n");
    assertEquals("--token-file " + shortOne + ": the token must be at least 16 characters, got 3",
        assertThrows(IllegalArgumentException.class, () -> BearerToken.read(shortOne, "--token-file")).getMessage());

    Path spaced = Files.writeString(dir.resolve("spaced"), "0123456789 abcdef");
    assertTrue(assertThrows(IllegalArgumentException.class, () -> BearerToken.read(spaced, "--token-file"))
        .getMessage().contains("printable ASCII without spaces"));
  }
}
