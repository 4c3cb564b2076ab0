package io.impetus.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** command.txt's words: blanks separate them, single quotes keep blanks and quotes ('\'') inside one. */
class ShellWordsTest {
  @Test
  void splitsAtBlanksAndKeepsQuotedWordsWhole() {
    assertEquals(List.of("./impetus", "local", "--out", "runs/a b", "it's"),
        ShellWords.split("./impetus  local --out 'runs/a b' 'it'\\''s'\n"));
  }

  @Test
  void anUnclosedQuoteIsAnError() {
    assertEquals("unclosed quote in: a 'b",
        assertThrows(IllegalArgumentException.class, () -> ShellWords.split("a 'b")).getMessage());
  }
}
