package io.impetus.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A child process's output is logged whole, whatever the line listener does with it. */
class ChildProcessTest {
  @TempDir Path tmp;

  @Test
  void aListenerThatThrowsDoesNotStopTheOutputFromBeingLoggedAndRead() throws Exception {
    Path log = tmp.resolve("logs/child.log");
    AtomicInteger seen = new AtomicInteger();
    ChildProcess child = ChildProcess.start("help", List.of(), List.of("--help"), Map.of(), log, line -> {
      seen.incrementAndGet();
      throw new NumberFormatException("cannot read " + line);
    });

    assertEquals(0, child.waitFor());
    List<String> lines = Files.readAllLines(log);
    assertTrue(lines.size() > 5 && lines.stream().anyMatch(l -> l.contains("local")), String.join("\n", lines));
    assertEquals(lines.size(), seen.get(), "every line reaches the listener");
  }
}
