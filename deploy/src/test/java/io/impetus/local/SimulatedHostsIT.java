package io.impetus.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.impetus.local.hosts.HostPlan;
import io.impetus.local.hosts.SimulatedHosts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code impetus local --simulate-hosts} for real: every shard and worker in a network namespace of
 * its own behind shaped veths. Skipped (an assumption, with the reason) where namespaces cannot be
 * made: not root, no iproute2 or unshare, or {@code ip netns add} refused (an unprivileged container).
 */
class SimulatedHostsIT {
  @TempDir Path tmp;

  @BeforeAll
  static void namespacesArePermitted() throws Exception {
    String missing = SimulatedHosts.missingPrerequisite();
    assumeTrue(missing == null, () -> "simulated hosts cannot run here: " + missing);
    // A namespace named like a run's, so a later launcher removes it should this JVM die right now.
    String probe = HostPlan.NAMESPACE_PREFIX + HostPlan.runId(ProcessHandle.current().pid()) + "-probe";
    Result add = run("ip", "netns", "add", probe);
    assumeTrue(add.code == 0, () -> "ip netns add is not permitted here: " + add.output);
    assertEquals(0, run("ip", "netns", "del", probe).code);
  }

  private record Result(int code, String output) {}

  private static Result run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), String.join(" ", command) + " hangs");
    return new Result(p.exitValue(), output);
  }

  private static Path jar() {
    Path jar = Path.of(System.getProperty("impetus.jar", "target/impetus.jar"));
    assertTrue(Files.exists(jar), "the shaded jar must be built before the integration tests: " + jar);
    return jar;
  }

  @Test
  void aShortJobOnShapedSimulatedHostsTrainsOverGrpcAndLeavesNoNamespaceBehind() throws Exception {
    Path out = tmp.resolve("run");
    Path log = tmp.resolve("local.log");
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Djava.awt.headless=true", "-jar",
        jar().toString(), "local", "--simulate-hosts", "--link-rate", "1gbit", "--model", "linear", "--shards", "2",
        "--workers", "2", "--steps", "30", "--no-progress", "--out", out.toString()));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!p.waitFor(10, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("impetus did not finish in 10 minutes; output in " + log);
    }
    String output = Files.readString(log, StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), output);

    JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
    JsonNode topology = summary.get("topology");
    assertTrue(topology.get("simulated_hosts").asBoolean(), topology.toString());
    assertEquals("1gbit", topology.get("link_rate").asText());
    JsonNode hosts = topology.get("hosts");
    assertEquals(4, hosts.size(), topology.toString());
    List<String> roles = new ArrayList<>();
    List<String> addresses = new ArrayList<>();
    for (JsonNode h : hosts) {
      roles.add(h.get("role").asText() + h.get("index").asInt());
      addresses.add(h.get("address").asText());
      assertTrue(h.get("address").asText().matches("198\\.1[89]\\.\\d+\\.\\d+"), h.toString());
    }
    assertEquals(List.of("shard0", "shard1", "worker0", "worker1"), roles);
    assertEquals(4, addresses.stream().distinct().count(), addresses.toString());
    // No shared memory crosses simulated hosts: every worker-shard pair moved its floats over gRPC.
    JsonNode planes = summary.get("data_plane");
    assertEquals(List.of("grpc"), iterate(planes.fieldNames()), planes.toString());
    assertEquals(2 * 2, planes.get("grpc").asInt(), planes.toString());
    assertTrue(output.contains("simulated hosts: 4 on "), output);

    // Nothing of the run is left: namespaces, veths, bridge.
    String namespaces = run("ip", "netns", "list").output;
    String links = run("ip", "-o", "link", "show").output;
    for (JsonNode h : hosts) {
      assertFalse(namespaces.contains(h.get("name").asText() + " ") || namespaces.lines()
          .anyMatch(l -> l.equals(h.get("name").asText())), namespaces);
    }
    String bridge = topology.get("bridge").asText();
    String run = HostPlan.runOfLink(bridge);
    assertFalse(links.contains(HostPlan.LINK_PREFIX + run + "-"), links);
    assertFalse(namespaces.contains(HostPlan.NAMESPACE_PREFIX + run + "-"), namespaces);
  }

  private static List<String> iterate(java.util.Iterator<String> names) {
    List<String> list = new ArrayList<>();
    names.forEachRemaining(list::add);
    return list;
  }
}
