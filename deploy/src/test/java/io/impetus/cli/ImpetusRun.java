package io.impetus.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * One {@code impetus} command run in this JVM, as a test sees it: its exit code and what it printed on
 * stdout and stderr (captured while it ran, then restored).
 */
record ImpetusRun(int code, String out, String err) {

  /** Runs {@code impetus args...} with an empty environment. */
  static ImpetusRun of(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream stdout = System.out;
    PrintStream stderr = System.err;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      int code = new Impetus().run(args, Map.of());
      return new ImpetusRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(stdout);
      System.setErr(stderr);
    }
  }
}
