package io.impetus.local.hosts;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The names, addresses and commands of one run's simulated hosts, computed without touching the
 * system (see {@link SimulatedHosts} for the part that runs them).
 *
 * <p>Every name carries the run id, the launcher's PID in base 36 (at most 5 characters: Linux PIDs
 * stay below 2^22), so a later launcher can tell whose leftovers it finds:
 * <ul>
 *   <li>namespaces {@code impetus-<run>-s<i>} for shard i and {@code impetus-<run>-w<r>} for worker r;
 *   <li>the bridge {@code imp-<run>-br} in the root namespace, holding {@code 198.18.k.1/24};
 *   <li>each host's veth pair: {@code imp-<run>-s<i>} / {@code imp-<run>-w<r>} on the bridge, {@code eth0}
 *       inside the namespace (interface names have at most 15 characters).
 * </ul>
 * Hosts get consecutive addresses from {@code .2} in the run's /24 (one of the 512 in 198.18.0.0/15,
 * the range set aside for network benchmarks): the shards first, then the workers.
 */
public final class HostPlan {
  /** Prefix of every namespace a run creates. */
  public static final String NAMESPACE_PREFIX = "impetus-";
  /** Prefix of every interface a run creates in the root namespace. */
  public static final String LINK_PREFIX = "imp-";
  /** Hosts in one run's /24: .2 to .254. */
  public static final int MAX_HOSTS = 253;
  /** The /24 subnets of 198.18.0.0/15. */
  public static final int SUBNETS = 512;
  /** Size of each host's private /dev/shm. */
  public static final String SHM_SIZE = "256m";

  private static final Pattern NAMESPACE = Pattern.compile("impetus-([0-9a-z]{1,5})-([sw][0-9]{1,3}|probe)");
  private static final Pattern LINK = Pattern.compile("imp-([0-9a-z]{1,5})-(br|[sw][0-9]{1,3})");

  private final String runId;
  private final int subnet;
  private final LinkRate rate;
  private final List<SimulatedHost> hosts = new ArrayList<>();

  /**
   * @param runId the run's id, see {@link #runId(long)}
   * @param subnet which /24 of 198.18.0.0/15, 0 to 511 (0 is 198.18.0.0/24, 256 is 198.19.0.0/24)
   * @param shards shard hosts
   * @param workers worker hosts
   * @throws IllegalArgumentException for a bad id or subnet, or more than {@link #MAX_HOSTS} hosts
   */
  public HostPlan(String runId, int subnet, int shards, int workers, LinkRate rate) {
    if (!runId.matches("[0-9a-z]{1,5}")) {
      throw new IllegalArgumentException("run id must be 1 to 5 base-36 digits, got '" + runId + "'");
    }
    if (subnet < 0 || subnet >= SUBNETS) {
      throw new IllegalArgumentException("subnet must be between 0 and " + (SUBNETS - 1) + ", got " + subnet);
    }
    if (shards < 1 || workers < 1 || shards + workers > MAX_HOSTS) {
      throw new IllegalArgumentException("--simulate-hosts gives every shard and worker an address in one /24:"
          + " at most " + MAX_HOSTS + " of them, got " + shards + " shards and " + workers + " workers");
    }
    this.runId = runId;
    this.subnet = subnet;
    this.rate = rate;
    for (int s = 0; s < shards; s++) {
      hosts.add(host("shard", "s", s, 2 + s));
    }
    for (int w = 0; w < workers; w++) {
      hosts.add(host("worker", "w", w, 2 + shards + w));
    }
  }

  private SimulatedHost host(String role, String letter, int index, int octet) {
    return new SimulatedHost(NAMESPACE_PREFIX + runId + "-" + letter + index, role, index, prefix() + "." + octet,
        LINK_PREFIX + runId + "-" + letter + index);
  }

  /** The run id of the launcher with process id {@code pid}: the PID in base 36. */
  public static String runId(long pid) {
    return Long.toString(pid, 36);
  }

  /** The launcher PID a run id stands for. */
  public static long pid(String runId) {
    return Long.parseLong(runId, 36);
  }

  /** The run id in a namespace name of ours ({@code impetus-<run>-...}), or null for anyone else's. */
  public static String runOfNamespace(String name) {
    Matcher m = NAMESPACE.matcher(name);
    return m.matches() ? m.group(1) : null;
  }

  /** The run id in an interface name of ours ({@code imp-<run>-...}), or null for anyone else's. */
  public static String runOfLink(String name) {
    Matcher m = LINK.matcher(name);
    return m.matches() ? m.group(1) : null;
  }

  /**
   * The first /24 of 198.18.0.0/15 that none of {@code usedAddresses} (IPv4 addresses, without
   * prefix length, of this machine's interfaces) falls in: runs at the same time get separate subnets.
   *
   * @throws IllegalStateException when all 512 are taken
   */
  public static int freeSubnet(Set<String> usedAddresses) {
    for (int k = 0; k < SUBNETS; k++) {
      String prefix = prefix(k) + ".";
      if (usedAddresses.stream().noneMatch(a -> a.startsWith(prefix))) {
        return k;
      }
    }
    throw new IllegalStateException("every /24 of 198.18.0.0/15 is in use on this machine");
  }

  private static String prefix(int subnet) {
    return (subnet < 256 ? "198.18." + subnet : "198.19." + (subnet - 256));
  }

  /** The first three octets of the run's /24, e.g. {@code 198.18.0}. */
  public String prefix() {
    return prefix(subnet);
  }

  public String runId() {
    return runId;
  }

  public LinkRate rate() {
    return rate;
  }

  /** The run's subnet in CIDR notation, e.g. {@code 198.18.0.0/24}. */
  public String subnetCidr() {
    return prefix() + ".0/24";
  }

  /** The bridge in the root namespace, {@code imp-<run>-br}. */
  public String bridge() {
    return LINK_PREFIX + runId + "-br";
  }

  /** The bridge's address, {@code .1} of the run's /24: the root namespace reaches every host through it. */
  public String bridgeAddress() {
    return prefix() + ".1";
  }

  /** Every host: the shards in index order, then the workers in rank order. */
  public List<SimulatedHost> hosts() {
    return List.copyOf(hosts);
  }

  /** The host of shard {@code index}. */
  public SimulatedHost shard(int index) {
    return find("shard", index);
  }

  /** The host of worker {@code rank}. */
  public SimulatedHost worker(int rank) {
    return find("worker", rank);
  }

  private SimulatedHost find(String role, int index) {
    return hosts.stream().filter(h -> h.role().equals(role) && h.index() == index).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no " + role + " host " + index));
  }

  /** The commands that create the bridge and bring it up, in order. */
  public List<List<String>> bridgeUp() {
    return List.of(
        List.of("ip", "link", "add", bridge(), "type", "bridge"),
        List.of("ip", "addr", "add", bridgeAddress() + "/24", "dev", bridge()),
        List.of("ip", "link", "set", bridge(), "up"));
  }

  /**
   * The commands that create {@code host}: its namespace with loopback up, its veth pair (one end
   * on the bridge, {@code eth0} with the host's address in the namespace), and, unless the rate is
   * {@link LinkRate#NONE}, a token bucket of the rate on both ends, so the host sends and receives at
   * most that fast.
   */
  public List<List<String>> hostUp(SimulatedHost host) {
    String ns = host.namespace();
    List<List<String>> commands = new ArrayList<>(List.of(
        List.of("ip", "netns", "add", ns),
        List.of("ip", "link", "add", host.rootLink(), "type", "veth", "peer", "name", SimulatedHost.LINK, "netns", ns),
        List.of("ip", "link", "set", host.rootLink(), "master", bridge()),
        List.of("ip", "link", "set", host.rootLink(), "up"),
        List.of("ip", "-n", ns, "addr", "add", host.address() + "/24", "dev", SimulatedHost.LINK),
        List.of("ip", "-n", ns, "link", "set", SimulatedHost.LINK, "up"),
        List.of("ip", "-n", ns, "link", "set", "lo", "up")));
    if (rate.shaped()) {
      commands.add(shape(List.of("tc"), host.rootLink()));
      commands.add(shape(List.of("ip", "netns", "exec", ns, "tc"), SimulatedHost.LINK));
    }
    return commands;
  }

  private List<String> shape(List<String> tc, String device) {
    List<String> command = new ArrayList<>(tc);
    command.addAll(List.of("qdisc", "add", "dev", device, "root", "tbf", "rate", rate.tc(), "burst", "512kb",
        "latency", "20ms"));
    return command;
  }

  /**
   * The commands that remove {@code host}: its veth pair (deleting one end deletes both), then its
   * namespace. Each may fail harmlessly when the thing is gone already.
   */
  public static List<List<String>> hostDown(SimulatedHost host) {
    return List.of(List.of("ip", "link", "del", host.rootLink()), List.of("ip", "netns", "del", host.namespace()));
  }

  /** The command that removes the bridge. */
  public List<String> bridgeDown() {
    return List.of("ip", "link", "del", bridge());
  }

  /**
   * {@code command} run on {@code host}: in its network namespace, in a mount namespace of its own with
   * a fresh tmpfs on /dev/shm, so no shared-memory segment crosses hosts. The process keeps the PID of
   * the returned command ({@code ip netns exec}, {@code unshare} and {@code sh} each exec the next), so
   * signalling it signals the program.
   */
  public static List<String> wrap(SimulatedHost host, List<String> command) {
    return wrap(host.namespace(), command);
  }

  /** {@code command} run in network namespace {@code namespace}, with a private /dev/shm; see above. */
  public static List<String> wrap(String namespace, List<String> command) {
    List<String> wrapped = new ArrayList<>(List.of("ip", "netns", "exec", namespace, "unshare", "-m", "sh",
        "-c", "mount -t tmpfs -o size=" + SHM_SIZE + " tmpfs /dev/shm && exec \"$@\"", "sh"));
    wrapped.addAll(command);
    return wrapped;
  }

  /** The topology as summary.json records it. */
  public Map<String, Object> topology() {
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("simulated_hosts", true);
    t.put("link_rate", rate.toString());
    t.put("subnet", subnetCidr());
    t.put("bridge", bridge());
    List<Map<String, Object>> list = new ArrayList<>();
    for (SimulatedHost h : hosts) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", h.namespace());
      m.put("role", h.role());
      m.put("index", h.index());
      m.put("address", h.address());
      list.add(m);
    }
    t.put("hosts", list);
    return t;
  }
}
