package io.impetus.local.hosts;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.impetus.cli.Command;
import io.impetus.cli.CommandGroup;
import io.impetus.cli.Flags;
import io.impetus.cli.OptimizerFlags;
import io.impetus.cli.UsageException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.cli.Options;

/**
 * {@code impetus hosts up|down|exec}: the simulated hosts of {@code impetus local --simulate-hosts}
 * for other programs (a PyTorch baseline, say): {@code up} builds a topology that stays until
 * {@code down}, {@code exec} runs a command on one of its hosts.
 */
public final class HostsCommand implements CommandGroup {
  @Override
  public String name() {
    return "hosts";
  }

  @Override
  public String summary() {
    return "simulated hosts (network namespaces, shaped links) for other programs: up, down, exec";
  }

  @Override
  public String footer() {
    return "\nAs root. Example: impetus hosts up --shards 1 --workers 2 --link-rate 1gbit   (prints the topology as JSON)\n"
        + "                 impetus hosts exec impetus-<run>-w0 -- python3 train.py --master 198.18.0.2\n"
        + "                 impetus hosts down <run>\nSee docs/simulated-hosts.md.\n";
  }

  @Override
  public List<Command> subcommands() {
    return List.of(new Up(), new Down(), new Exec());
  }

  /** Stops with the missing prerequisite, exit 2, as {@code local --simulate-hosts} does. */
  private static Integer refuse(String path) {
    String missing = SimulatedHosts.missingPrerequisite();
    if (missing == null) {
      return null;
    }
    System.err.println("impetus " + path + ": " + missing);
    return 2;
  }

  /** {@code impetus hosts up}. */
  static final class Up implements Command {
    @Override
    public String name() {
      return "up";
    }

    @Override
    public String summary() {
      return "build S shard hosts and N worker hosts that stay until impetus hosts down; print them as JSON";
    }

    @Override
    public Options options() {
      Options o = new Options();
      o.addOption(OptimizerFlags.valued("shards", "S", "shard hosts (default 1)"));
      o.addOption(OptimizerFlags.valued("workers", "N", "worker hosts (default 2)"));
      o.addOption(OptimizerFlags.valued("link-rate", "RATE",
          "each host's link rate, both directions, in tc syntax (1gbit, 10gbit, 500mbit), or none (default 1gbit)"));
      return o;
    }

    @Override
    public int run(Flags f) throws Exception {
      LinkRate rate = f.choice("link-rate", LinkRate.DEFAULT, LinkRate::parse);
      int shards = f.integer("shards", 1);
      int workers = f.integer("workers", 2);
      if (shards < 1 || workers < 1 || shards + workers > HostPlan.MAX_HOSTS) {
        throw new UsageException("--shards and --workers must be at least 1, and at most " + HostPlan.MAX_HOSTS
            + " together");
      }
      Integer refused = refuse("hosts up");
      if (refused != null) {
        return refused;
      }
      SimulatedHosts hosts = SimulatedHosts.up(shards, workers, rate, true);
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("run", hosts.plan().runId());
      out.putAll(hosts.topology());
      System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(out));
      return 0;
    }
  }

  /** {@code impetus hosts down RUN...}. */
  static final class Down implements Command {
    @Override
    public String name() {
      return "down";
    }

    @Override
    public String summary() {
      return "remove the hosts of runs (the run printed by impetus hosts up), killing what runs on them";
    }

    @Override
    public String positional() {
      return "RUN...";
    }

    @Override
    public Options options() {
      return new Options();
    }

    @Override
    public int run(Flags f) throws Exception {
      if (f.positional().isEmpty()) {
        throw new UsageException("give the run to remove (the \"run\" of impetus hosts up)");
      }
      Integer refused = refuse("hosts down");
      if (refused != null) {
        return refused;
      }
      for (String run : f.positional()) {
        if (!run.matches("[0-9a-z]{1,5}")) {
          throw new UsageException("not a run id: '" + run + "'");
        }
        List<String> removed = SimulatedHosts.remove(run);
        System.out.println("removed " + removed.size() + " namespaces and interfaces of run " + run);
      }
      return 0;
    }
  }

  /** {@code impetus hosts exec NAMESPACE -- COMMAND...}. */
  static final class Exec implements Command {
    @Override
    public String name() {
      return "exec";
    }

    @Override
    public String summary() {
      return "run a command on a simulated host (its namespace, its own /dev/shm); exits with its code";
    }

    @Override
    public String positional() {
      return "HOST -- COMMAND...";
    }

    @Override
    public Options options() {
      return new Options();
    }

    @Override
    public int run(Flags f) throws Exception {
      List<String> args = f.positional();
      if (args.size() < 2) {
        throw new UsageException("give a host (a name printed by impetus hosts up) and a command after --");
      }
      String host = args.get(0);
      if (HostPlan.runOfNamespace(host) == null) {
        throw new UsageException("not a simulated host: '" + host + "' (expected impetus-<run>-s<i> or -w<i>)");
      }
      Integer refused = refuse("hosts exec");
      if (refused != null) {
        return refused;
      }
      List<String> command = new ArrayList<>(args.subList(1, args.size()));
      Process p = new ProcessBuilder(SimulatedHosts.absoluteCommand(HostPlan.wrap(host, command))).inheritIO().start();
      return p.waitFor();
    }
  }
}
