package io.impetus.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shards' JIT directives: written where the options say, and accepted by this JVM. */
class ShardJitTest {
  @TempDir Path tmp;

  @Test
  void theOptionsLoadTheDirectivesWrittenIntoTheFolder() throws Exception {
    List<String> options = ShardJit.options(tmp.resolve("logs"));

    Path file = tmp.resolve("logs").resolve(ShardJit.FILE);
    assertEquals(List.of("-XX:+UnlockDiagnosticVMOptions", "-XX:CompilerDirectivesFile=" + file.toAbsolutePath()),
        options);
    assertEquals(ShardJit.DIRECTIVES, Files.readString(file, StandardCharsets.UTF_8));
  }

  @Test
  void c2KeepsImpetusCodeAndLeavesEverythingElseToC1() {
    // Order matters: the first matching directive wins, so the catch-all exclusion must come last.
    int keep = ShardJit.DIRECTIVES.indexOf("io/impetus/*.*");
    int excludeAll = ShardJit.DIRECTIVES.indexOf("match: \"*.*\", c2: { Exclude: true }");
    assertTrue(keep >= 0 && excludeAll > keep, ShardJit.DIRECTIVES);
  }

  @Test
  void theJvmAcceptsTheDirectives() throws Exception {
    // A directives file HotSpot cannot parse stops the JVM from starting, so a shard would never listen.
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(ShardJit.options(tmp));
    command.add("-version");
    Path log = tmp.resolve("jvm.log");
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    assertTrue(p.waitFor(2, TimeUnit.MINUTES), "java -version did not finish");
    String output = Files.readString(log);
    assertEquals(0, p.exitValue(), output);
    assertTrue(output.contains("2 compiler directives added"), output);
  }
}
