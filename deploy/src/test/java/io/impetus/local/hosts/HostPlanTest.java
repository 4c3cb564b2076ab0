package io.impetus.local.hosts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HostPlanTest {
  private final HostPlan plan = new HostPlan("4e7", 0, 2, 3, LinkRate.parse("1gbit"));

  @Test
  void shardsThenWorkersGetConsecutiveAddressesAfterTheBridge() {
    assertEquals("198.18.0.1", plan.bridgeAddress());
    assertEquals("198.18.0.0/24", plan.subnetCidr());
    List<SimulatedHost> hosts = plan.hosts();
    assertEquals(5, hosts.size());
    assertEquals(new SimulatedHost("impetus-4e7-s0", "shard", 0, "198.18.0.2", "imp-4e7-s0"), hosts.get(0));
    assertEquals(new SimulatedHost("impetus-4e7-s1", "shard", 1, "198.18.0.3", "imp-4e7-s1"), hosts.get(1));
    assertEquals(new SimulatedHost("impetus-4e7-w0", "worker", 0, "198.18.0.4", "imp-4e7-w0"), hosts.get(2));
    assertEquals(new SimulatedHost("impetus-4e7-w2", "worker", 2, "198.18.0.6", "imp-4e7-w2"), plan.worker(2));
    assertEquals(hosts.get(1), plan.shard(1));
    assertThrows(IllegalArgumentException.class, () -> plan.worker(3));
  }

  @Test
  void subnetsCoverBothHalvesOfTheBenchmarkRange() {
    assertEquals("198.18.255", new HostPlan("a", 255, 1, 1, LinkRate.NONE).prefix());
    assertEquals("198.19.0", new HostPlan("a", 256, 1, 1, LinkRate.NONE).prefix());
    assertEquals("198.19.255.1", new HostPlan("a", 511, 1, 1, LinkRate.NONE).bridgeAddress());
    assertThrows(IllegalArgumentException.class, () -> new HostPlan("a", 512, 1, 1, LinkRate.NONE));
  }

  @Test
  void aRunHasAtMostOneSubnetOfHosts() {
    assertEquals("198.18.0.254", new HostPlan("a", 0, 1, 252, LinkRate.NONE).worker(251).address());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new HostPlan("a", 0, 2, 252, LinkRate.NONE));
    assertTrue(e.getMessage().contains("--simulate-hosts"), e.getMessage());
  }

  @Test
  void interfaceNamesFitLinuxsFifteenCharacters() {
    // The longest run id (Linux PIDs stay below 2^22) with the highest index.
    String longest = HostPlan.runId(4194304);
    assertEquals(5, longest.length());
    HostPlan big = new HostPlan(longest, 0, 1, 252, LinkRate.NONE);
    for (SimulatedHost h : big.hosts()) {
      assertTrue(h.rootLink().length() <= 15, h.rootLink());
    }
    assertTrue(big.bridge().length() <= 15, big.bridge());
    assertThrows(IllegalArgumentException.class, () -> new HostPlan("123456", 0, 1, 1, LinkRate.NONE));
    assertThrows(IllegalArgumentException.class, () -> new HostPlan("a-b", 0, 1, 1, LinkRate.NONE));
  }

  @Test
  void runIdsRoundTripThroughPidsAndNames() {
    assertEquals("4e7", HostPlan.runId(5695));
    assertEquals(5695, HostPlan.pid("4e7"));
    assertEquals("4e7", HostPlan.runOfNamespace("impetus-4e7-s0"));
    assertEquals("4e7", HostPlan.runOfNamespace("impetus-4e7-w12"));
    assertEquals("4e7", HostPlan.runOfLink("imp-4e7-br"));
    assertEquals("4e7", HostPlan.runOfLink("imp-4e7-w3"));
    // Names of anyone else are left alone.
    for (String other : new String[] {"torchsim-0", "impetus-4e7", "impetus-4e7-x1", "impetus-foo-bar-s0", "eth0",
        "imp-4e7-eth0", "imp-br-4e7", "impetus-4e7-s0-extra", "docker0"}) {
      assertNull(HostPlan.runOfNamespace(other), other);
      assertNull(HostPlan.runOfLink(other), other);
    }
  }

  @Test
  void theFirstSubnetWithoutAnAddressOfThisMachineIsFree() {
    assertEquals(0, HostPlan.freeSubnet(Set.of("127.0.0.1", "192.0.2.2")));
    assertEquals(2, HostPlan.freeSubnet(Set.of("198.18.0.1", "198.18.1.1", "198.18.20.1", "198.180.2.1")));
    assertEquals(256, HostPlan.freeSubnet(java.util.stream.IntStream.range(0, 256).mapToObj(k -> "198.18." + k + ".1")
        .collect(java.util.stream.Collectors.toSet())));
  }

  @Test
  void hostCommandsBuildTheNamespaceTheVethAndShapeBothEnds() {
    SimulatedHost w0 = plan.worker(0);
    assertEquals(List.of(
        List.of("ip", "netns", "add", "impetus-4e7-w0"),
        List.of("ip", "link", "add", "imp-4e7-w0", "type", "veth", "peer", "name", "eth0", "netns", "impetus-4e7-w0"),
        List.of("ip", "link", "set", "imp-4e7-w0", "master", "imp-4e7-br"),
        List.of("ip", "link", "set", "imp-4e7-w0", "up"),
        List.of("ip", "-n", "impetus-4e7-w0", "addr", "add", "198.18.0.4/24", "dev", "eth0"),
        List.of("ip", "-n", "impetus-4e7-w0", "link", "set", "eth0", "up"),
        List.of("ip", "-n", "impetus-4e7-w0", "link", "set", "lo", "up"),
        List.of("tc", "qdisc", "add", "dev", "imp-4e7-w0", "root", "tbf", "rate", "1gbit", "burst", "512kb", "latency",
            "20ms"),
        List.of("ip", "netns", "exec", "impetus-4e7-w0", "tc", "qdisc", "add", "dev", "eth0", "root", "tbf", "rate",
            "1gbit", "burst", "512kb", "latency", "20ms")), plan.hostUp(w0));
    assertEquals(List.of(List.of("ip", "link", "add", "imp-4e7-br", "type", "bridge"),
        List.of("ip", "addr", "add", "198.18.0.1/24", "dev", "imp-4e7-br"),
        List.of("ip", "link", "set", "imp-4e7-br", "up")), plan.bridgeUp());
    assertEquals(List.of(List.of("ip", "link", "del", "imp-4e7-w0"), List.of("ip", "netns", "del", "impetus-4e7-w0")),
        HostPlan.hostDown(w0));
    assertEquals(List.of("ip", "link", "del", "imp-4e7-br"), plan.bridgeDown());
  }

  @Test
  void unshapedLinksGetNoQdisc() {
    HostPlan unshaped = new HostPlan("4e7", 0, 1, 1, LinkRate.NONE);
    assertFalse(unshaped.hostUp(unshaped.shard(0)).stream().anyMatch(c -> c.contains("tc")));
    assertEquals(7, unshaped.hostUp(unshaped.shard(0)).size());
  }

  @Test
  void processesRunInTheNamespaceWithAPrivateDevShm() {
    List<String> wrapped = HostPlan.wrap(plan.shard(1), List.of("java", "-cp", "x.jar", "Main", "server"));
    assertEquals(List.of("ip", "netns", "exec", "impetus-4e7-s1", "unshare", "-m", "sh", "-c",
        "mount -t tmpfs -o size=256m tmpfs /dev/shm && exec \"$@\"", "sh", "java", "-cp", "x.jar", "Main", "server"),
        wrapped);
  }

  @Test
  void topologyListsEveryHostForTheSummary() {
    Map<String, Object> t = plan.topology();
    assertEquals(true, t.get("simulated_hosts"));
    assertEquals("1gbit", t.get("link_rate"));
    List<?> hosts = (List<?>) t.get("hosts");
    assertEquals(5, hosts.size());
    assertEquals(Map.of("name", "impetus-4e7-w0", "role", "worker", "index", 0, "address", "198.18.0.4"), hosts.get(2));
  }
}
