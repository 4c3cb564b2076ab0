package io.impetus.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A JVM hosting several workers' command lines as threads, reporting each one's exit code. */
class WorkerHostTest {
  @Test
  void commandLinesSurviveTheTripThroughTheHostsArguments() {
    List<List<String>> workers = List.of(List.of("--rank", "0", "--model", "mlp"), List.of("--rank", "1"));
    List<String> joined = WorkerHost.join(workers);
    assertEquals(List.of("worker", "--rank", "0", "--model", "mlp", WorkerHost.SEPARATOR, "worker", "--rank", "1"),
        joined);
    assertEquals(List.of(List.of("worker", "--rank", "0", "--model", "mlp"), List.of("worker", "--rank", "1")),
        WorkerHost.split(joined));
  }

  @Test
  void everyWorkersExitCodeIsReportedByRankAndAnyFailureFailsTheHost() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    // Rank 3 only asks for help (exit 0); rank 5 names a model that does not exist (a usage error, 2).
    int code = WorkerHost.run(List.of(List.of("worker", "--rank", "3", "--help"),
        List.of("worker", "--rank", "5", "--servers", "127.0.0.1:1", "--model", "no-such-model")), Map.of(), out);
    String printed = bytes.toString(StandardCharsets.UTF_8);
    assertEquals(1, code, printed);
    assertTrue(printed.contains(WorkerHost.EXIT + " 3 0\n"), printed);
    assertTrue(printed.contains(WorkerHost.EXIT + " 5 2\n"), printed);
  }

  @Test
  void onlyWorkerCommandLinesCanBeHosted() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> WorkerHost.run(List.of(List.of("server", "--port", "0")), Map.of(), System.out));
    assertTrue(e.getMessage().contains("must start with 'worker'"), e.getMessage());
  }
}
