package io.impetus.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.impetus.cli.Flags;
import io.impetus.cli.Impetus;
import io.impetus.cli.UsageException;
import io.impetus.client.Transport;
import io.impetus.local.hosts.LinkRate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code impetus local --simulate-hosts} and {@code --link-rate} on the command line. */
class SimulatedHostsFlagsTest {
  private static LocalConfig parse(String... args) throws Exception {
    LocalCommand local = new LocalCommand();
    List<String> all = new ArrayList<>(List.of("--model", "quadratic", "--steps", "3"));
    all.addAll(List.of(args));
    return local.parse(Flags.parse(local, all, Map.of()));
  }

  @Test
  void withoutTheFlagEverythingRunsOnLoopbackAsBefore() throws Exception {
    LocalConfig c = parse();
    assertFalse(c.simulateHosts());
    assertNull(c.simulatedHosts());
    assertEquals(Transport.AUTO, c.transport());
  }

  @Test
  void theDefaultLinkIsAGigabitAndWorkersUseGrpc() throws Exception {
    LocalConfig c = parse("--simulate-hosts");
    assertTrue(c.simulateHosts());
    assertEquals(LinkRate.DEFAULT, c.simulatedHosts());
    assertEquals("1gbit", c.simulatedHosts().toString());
    assertEquals(Transport.GRPC, c.transport(), "auto would offer every shard a segment it cannot map");
  }

  @Test
  void linkRatesAreTcRatesOrNone() throws Exception {
    assertEquals("10gbit", parse("--simulate-hosts", "--link-rate", "10gbit").simulatedHosts().tc());
    assertEquals(LinkRate.NONE, parse("--simulate-hosts", "--link-rate", "none").simulatedHosts());
    UsageException e = assertThrows(UsageException.class, () -> parse("--simulate-hosts", "--link-rate", "1gb"));
    assertTrue(e.getMessage().startsWith("--link-rate"), e.getMessage());
    e = assertThrows(UsageException.class, () -> parse("--link-rate", "1gbit"));
    assertTrue(e.getMessage().contains("--simulate-hosts"), e.getMessage());
  }

  @Test
  void flagsThatNeedSharedHostsAreRefused() {
    UsageException e = assertThrows(UsageException.class,
        () -> parse("--simulate-hosts", "--workers", "4", "--worker-processes", "2"));
    assertTrue(e.getMessage().contains("--worker-processes"), e.getMessage());
    e = assertThrows(UsageException.class, () -> parse("--simulate-hosts", "--transport", "shm"));
    assertTrue(e.getMessage().contains("--transport shm"), e.getMessage());
  }

  @Test
  void helpListsTheNewFlags() {
    String help = Impetus.help("local", new LocalCommand());
    assertTrue(help.contains("--simulate-hosts"), help);
    assertTrue(help.contains("--link-rate"), help);
    assertTrue(help.contains("default 1gbit"), help);
  }
}
