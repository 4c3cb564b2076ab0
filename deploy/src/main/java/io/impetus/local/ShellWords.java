package io.impetus.local;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a command line as command.txt writes it back into its words: words are separated by
 * blanks, and a word may be single-quoted, with a quote inside written {@code '\''} (the POSIX shell's
 * rules for single quotes, the only quoting {@link RunFolder#writeCommand} uses).
 */
final class ShellWords {
  private ShellWords() {}

  /**
   * The words of {@code line}.
   *
   * @throws IllegalArgumentException when a quote is not closed
   */
  static List<String> split(String line) {
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    boolean inWord = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '\'') {
        int close = line.indexOf('\'', i + 1);
        if (close < 0) {
          throw new IllegalArgumentException("unclosed quote in: " + line);
        }
        word.append(line, i + 1, close);
        i = close;
        inWord = true;
      } else if (c == '\\' && i + 1 < line.length()) {
        word.append(line.charAt(++i));
        inWord = true;
      } else if (Character.isWhitespace(c)) {
        if (inWord) {
          words.add(word.toString());
          word.setLength(0);
          inWord = false;
        }
      } else {
        word.append(c);
        inWord = true;
      }
    }
    if (inWord) {
      words.add(word.toString());
    }
    return words;
  }
}
