package io.impetus.local.hosts;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A run's simulated hosts, built on this machine: one network namespace per shard and worker,
 * joined by veth pairs to a bridge in the root namespace, links shaped by tc (see {@link HostPlan}
 * for names, addresses and commands). Needs root, iproute2 ({@code ip}, {@code tc}) and
 * {@code unshare}; {@link #missingPrerequisite()} says what is missing.
 *
 * <p>Contract: {@link #up} first removes the leftovers of launchers that are no longer alive (a run
 * killed with SIGKILL or a crashed machine leaves its namespaces behind), then creates everything;
 * if creating fails part way it removes what it made and throws. {@link #close} removes everything
 * the run made; it is idempotent and thread-safe, so both the launcher's {@code finally} and its
 * shutdown hook (Ctrl-C) may call it. The processes on the hosts should be stopped first: a
 * namespace deleted under a running process lives on, with its veth, until the process exits. Each
 * live run records its launcher's PID and start time in {@code /run/impetus-simhosts/<run>}, so a
 * reused PID is not taken for a live owner. Processes still running on a dead run's hosts (its
 * launcher was killed before it could stop them) are killed when the hosts are removed.
 */
public final class SimulatedHosts implements AutoCloseable {
  /** Where live runs record their owner. */
  static final Path OWNERS = Path.of("/run/impetus-simhosts");
  /** First word of the owner record of hosts made by {@code impetus hosts up}. */
  private static final String PINNED = "pinned";

  private final HostPlan plan;
  private final List<SimulatedHost> made = new ArrayList<>();
  private boolean bridgeMade;
  private boolean closed;

  private SimulatedHosts(HostPlan plan) {
    this.plan = plan;
  }

  /**
   * What keeps simulated hosts from being built here, as the end of a sentence ("needs root (running
   * as uid 1000)", "needs the ip command (apt-get install iproute2)"), or null when nothing does.
   */
  public static String missingPrerequisite() {
    long uid = uid();
    if (uid != 0) {
      return "needs root (running as uid " + (uid < 0 ? "unknown" : Long.toString(uid)) + ")";
    }
    for (String[] tool : new String[][] {{"ip", "iproute2"}, {"tc", "iproute2"}, {"unshare", "util-linux"},
        {"mount", "mount"}, {"sh", "dash"}}) {
      if (which(tool[0]) == null) {
        return "needs the " + tool[0] + " command (apt-get install " + tool[1] + ")";
      }
    }
    return null;
  }

  /** This process's real uid, from /proc/self/status; -1 if it cannot be read. */
  static long uid() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Uid:")) {
          return Long.parseLong(line.substring(4).trim().split("\\s+")[0]);
        }
      }
    } catch (IOException | RuntimeException e) {
      // fall through
    }
    return -1;
  }

  /** {@code name} on the PATH, or in /usr/sbin or /sbin (where iproute2 lives), or null. */
  static Path which(String name) {
    List<String> dirs = new ArrayList<>();
    String path = System.getenv("PATH");
    if (path != null) {
      dirs.addAll(List.of(path.split(":")));
    }
    dirs.addAll(List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin"));
    for (String dir : dirs) {
      if (!dir.isEmpty()) {
        Path p = Path.of(dir, name);
        if (Files.isExecutable(p)) {
          return p;
        }
      }
    }
    return null;
  }

  /**
   * Builds the hosts of a run of this launcher: {@code shards} shard hosts and {@code workers} worker
   * hosts on the first free /24 of 198.18.0.0/15, links shaped to {@code rate}.
   *
   * @throws HostSetupException naming the failing command and its stderr (what was made is removed)
   */
  public static SimulatedHosts up(int shards, int workers, LinkRate rate) {
    return up(shards, workers, rate, false);
  }

  /**
   * As {@link #up(int, int, LinkRate)}; {@code pinned} hosts outlive this process ({@code impetus
   * hosts up}): later runs do not take them for leftovers, and only {@link #remove} removes them.
   */
  public static SimulatedHosts up(int shards, int workers, LinkRate rate, boolean pinned) {
    ProcessHandle self = ProcessHandle.current();
    String runId = HostPlan.runId(self.pid());
    removeStale(runId);
    if (pinned(runId)) {
      // Our PID was reused: building (or, on failure, removing) hosts under our names would hit theirs.
      throw new HostSetupException("the hosts of run " + runId + " (made by impetus hosts up) use this process's"
          + " names; remove them first with: impetus hosts down " + runId);
    }
    HostPlan plan = new HostPlan(runId, HostPlan.freeSubnet(addressesInUse()), shards, workers, rate);
    SimulatedHosts hosts = new SimulatedHosts(plan);
    try {
      recordOwner(runId, self, pinned);
      synchronized (hosts) {
        for (List<String> c : plan.bridgeUp()) {
          hosts.bridgeMade = true;
          run(c);
        }
        for (SimulatedHost h : plan.hosts()) {
          hosts.made.add(h);
          for (List<String> c : plan.hostUp(h)) {
            run(c);
          }
        }
      }
    } catch (RuntimeException e) {
      hosts.close();
      throw e;
    }
    return hosts;
  }

  public HostPlan plan() {
    return plan;
  }

  /** {@code command} run on {@code host}, with absolute paths for the tools; see {@link HostPlan#wrap}. */
  public List<String> wrap(SimulatedHost host, List<String> command) {
    return absolute(HostPlan.wrap(host, command));
  }

  /** The topology as summary.json records it. */
  public Map<String, Object> topology() {
    return plan.topology();
  }

  /** summary.json's topology of a run without simulated hosts. */
  public static Map<String, Object> noTopology() {
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("simulated_hosts", false);
    return t;
  }

  /** Removes every host, the bridge and the owner record; errors go to stderr, not up. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (SimulatedHost h : made) {
      for (List<String> c : HostPlan.hostDown(h)) {
        quietly(c);
      }
    }
    if (bridgeMade) {
      quietly(plan.bridgeDown());
    }
    try {
      Files.deleteIfExists(OWNERS.resolve(plan.runId()));
    } catch (IOException e) {
      System.err.println("impetus: could not remove " + OWNERS.resolve(plan.runId()) + ": " + e.getMessage());
    }
  }

  /**
   * Removes the namespaces and interfaces of runs whose launcher is gone, and any of {@code ownRun}
   * (the run about to start cannot have made any yet: they belong to a dead process with our PID).
   *
   * @return the names removed
   */
  public static List<String> removeStale(String ownRun) {
    // Hosts of impetus hosts up stay, even under our id (a reused PID): creating ours then fails clearly.
    return removeRuns(run -> !pinned(run) && (run.equals(ownRun) || !alive(run)));
  }

  private static List<String> removeRuns(java.util.function.Predicate<String> doomed) {
    List<String> removed = new ArrayList<>();
    Set<String> dead = new HashSet<>();
    for (String line : Commands.check(List.of(tool("ip"), "-o", "link", "show")).split("\n")) {
      String[] f = line.split(":\\s+", 3);
      if (f.length < 2) {
        continue;
      }
      String name = f[1].split("@")[0].trim();
      String run = HostPlan.runOfLink(name);
      if (run != null && doomed.test(run)) {
        dead.add(run);
        // Veths first: the bridge goes last, below.
        if (!name.endsWith("-br") && quietly(List.of("ip", "link", "del", name))) {
          removed.add(name);
        }
      }
    }
    for (String line : Commands.check(List.of(tool("ip"), "netns", "list")).split("\n")) {
      String name = line.split("\\s+")[0].trim();
      String run = HostPlan.runOfNamespace(name);
      if (run != null && doomed.test(run)) {
        dead.add(run);
        // Processes the dead launcher left on the host (it was killed before it could stop them) would
        // keep the namespace alive after its name is gone.
        killProcessesIn(name);
        if (quietly(List.of("ip", "netns", "del", name))) {
          removed.add(name);
        }
      }
    }
    for (String run : dead) {
      String bridge = HostPlan.LINK_PREFIX + run + "-br";
      if (Commands.run(List.of(tool("ip"), "link", "show", bridge)).code() == 0 && quietly(List.of("ip", "link", "del", bridge))) {
        removed.add(bridge);
      }
      try {
        Files.deleteIfExists(OWNERS.resolve(run));
      } catch (IOException e) {
        // a stale record is harmless: the next start checks the PID again
      }
    }
    return removed;
  }

  /** Whether {@code run}'s hosts were made by {@code impetus hosts up} and stay until {@link #remove}. */
  static boolean pinned(String run) {
    try {
      Path record = OWNERS.resolve(run);
      return Files.exists(record) && Files.readString(record).startsWith(PINNED + " ");
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Removes every namespace and interface of {@code run}, killing the processes in its namespaces,
   * whoever owns it ({@code impetus hosts down}).
   *
   * @return the names removed
   */
  public static List<String> remove(String run) {
    return removeRuns(r -> r.equals(run));
  }

  /** Kills (SIGKILL) every process in namespace {@code name}: {@code ip netns pids} lists them. */
  private static void killProcessesIn(String name) {
    Commands.Result r = Commands.run(absolute(List.of("ip", "netns", "pids", name)));
    if (r.code() != 0) {
      return;
    }
    for (String pid : r.stdout().split("\\s+")) {
      if (pid.matches("[0-9]+")) {
        ProcessHandle.of(Long.parseLong(pid)).ifPresent(p -> {
          p.destroyForcibly();
          p.onExit().orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).exceptionally(t -> p).join();
        });
      }
    }
  }

  /**
   * Whether the launcher of {@code run} is alive: a process with its PID exists and, when the run
   * recorded its start time, started then.
   */
  static boolean alive(String run) {
    if (pinned(run)) {
      return true;
    }
    Optional<ProcessHandle> handle = ProcessHandle.of(HostPlan.pid(run));
    if (handle.isEmpty() || !handle.get().isAlive()) {
      return false;
    }
    Path record = OWNERS.resolve(run);
    Optional<Instant> started = handle.get().info().startInstant();
    try {
      if (Files.exists(record) && started.isPresent()) {
        String[] f = Files.readString(record).trim().split("\\s+");
        return f.length < 2 || Instant.parse(f[1]).equals(started.get());
      }
    } catch (IOException | RuntimeException e) {
      // unreadable record: trust the PID
    }
    return true;
  }

  private static void recordOwner(String run, ProcessHandle self, boolean pinned) {
    try {
      Files.createDirectories(OWNERS);
      Files.writeString(OWNERS.resolve(run), (pinned ? PINNED : Long.toString(self.pid())) + " "
          + self.info().startInstant().map(Instant::toString).orElse("-") + "\n");
    } catch (IOException e) {
      throw new HostSetupException("could not record the run's owner in " + OWNERS + ": " + e.getMessage(), e);
    }
  }

  /** IPv4 addresses on this machine's interfaces (root namespace), without prefix lengths. */
  private static Set<String> addressesInUse() {
    Set<String> used = new TreeSet<>();
    for (String line : Commands.check(List.of(tool("ip"), "-o", "-4", "addr", "show")).split("\n")) {
      String[] f = line.trim().split("\\s+");
      for (int i = 0; i + 1 < f.length; i++) {
        if (f[i].equals("inet")) {
          used.add(f[i + 1].split("/")[0]);
        }
      }
    }
    return used;
  }

  private static void run(List<String> command) {
    Commands.check(absolute(command));
  }

  /** Runs {@code command}; on failure prints it with its stderr, unless the thing was already gone. */
  private static boolean quietly(List<String> command) {
    Commands.Result r = Commands.run(absolute(command));
    if (r.code() != 0 && !r.stderr().contains("Cannot find device") && !r.stderr().contains("No such file")) {
      System.err.println("impetus: '" + String.join(" ", command) + "' failed: " + r.stderr().strip());
    }
    return r.code() == 0;
  }

  private static List<String> absolute(List<String> command) {
    List<String> c = new ArrayList<>(command);
    c.set(0, tool(c.get(0)));
    // the tool that ip netns exec runs
    int exec = c.indexOf("exec");
    if (exec >= 0 && c.size() > exec + 2 && c.get(1).equals("netns")) {
      c.set(exec + 2, tool(c.get(exec + 2)));
    }
    return c;
  }

  /** {@code command} with absolute paths for the tools it runs (ip, tc, unshare). */
  public static List<String> absoluteCommand(List<String> command) {
    return absolute(command);
  }

  private static String tool(String name) {
    Path p = which(name);
    return p == null ? name : p.toString();
  }
}
