package io.impetus.local.hosts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.impetus.cli.Impetus;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code impetus hosts}: the command-line errors, which come before anything touches the system. */
class HostsCommandTest {
  private static final String[] stderr = new String[1];

  private static int impetus(String... args) {
    PrintStream old = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      return new Impetus().run(args, Map.of());
    } finally {
      System.setErr(old);
      stderr[0] = err.toString(StandardCharsets.UTF_8);
    }
  }

  @Test
  void badArgumentsAreUsageErrors() {
    assertEquals(2, impetus("hosts", "exec", "eth0", "--", "true"));
    assertTrue(stderr[0].contains("not a simulated host: 'eth0'"), stderr[0]);
    assertEquals(2, impetus("hosts", "exec", "impetus-4e7-w0"));
    assertTrue(stderr[0].contains("command after --"), stderr[0]);
    assertEquals(2, impetus("hosts", "down"));
    assertEquals(2, impetus("hosts", "down", "not-a-run"));
    assertEquals(2, impetus("hosts", "up", "--link-rate", "fast"));
    assertTrue(stderr[0].contains("--link-rate"), stderr[0]);
    assertEquals(2, impetus("hosts", "up", "--shards", "0"));
  }

  @Test
  void execRunsTheCommandInTheNamespaceWithAPrivateDevShm() {
    assertEquals(List.of("ip", "netns", "exec", "impetus-4e7-w0", "unshare", "-m", "sh", "-c",
        "mount -t tmpfs -o size=256m tmpfs /dev/shm && exec \"$@\"", "sh", "python3", "-c", "print(1)"),
        HostPlan.wrap("impetus-4e7-w0", List.of("python3", "-c", "print(1)")));
  }
}
