package io.impetus.local;

import io.impetus.model.DataOptions;
import io.impetus.optim.OptimizerConfig;
import io.impetus.shard.ConsistencyMode;
import io.impetus.client.Transport;
import io.impetus.client.WirePrecision;
import io.impetus.local.hosts.LinkRate;
import io.impetus.shard.ServerConfig;
import io.impetus.train.WorkerDelay;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Everything {@code impetus local} needs, parsed once from the command line.
 *
 * @param shards S, the number of shard processes
 * @param server what every shard runs (host, port and shard index are filled in per process)
 * @param model the model every worker trains
 * @param batchSize examples per minibatch
 * @param epochs epochs per worker, or null for the default
 * @param steps steps per worker, or null to derive from epochs
 * @param seed seeds data, initial parameters and shuffles
 * @param out the run folder
 * @param logEvery metrics row every this many steps
 * @param progress show a progress bar
 * @param delay an artificial delay added to every worker's steps
 * @param stragglers slowdown factor by worker rank
 * @param crashes fault injection: the step after which a worker rank dies, by rank
 * @param shardCrashes fault injection: the version at which a shard process dies, by shard index; the
 *     launcher restarts it from its checkpoint ({@code --crash-shard I:V})
 * @param data the data set, its folder and the model-shape options
 * @param overlap every worker computes its next gradient while its previous push is in flight
 * @param transport how the workers move floats to and from the shards (segments go in the
 *     server's shared-memory folder)
 * @param wirePrecision how many bits a float takes on the workers' grpc paths
 * @param workerProcesses P, the JVMs the workers run in (N: a process per worker; fewer: workers
 *     share JVMs as threads, see {@link WorkerHost}); a worker set to crash always gets its own
 * @param simulatedHosts the rate of every host's link when each shard and worker runs on a simulated
 *     host of its own ({@code --simulate-hosts}, see {@link io.impetus.local.hosts.SimulatedHosts};
 *     {@link LinkRate#NONE} for unshaped links), or null to run them all on loopback
 * @param commandLine the arguments as typed, for command.txt
 * @param tokenFile the file holding the job's bearer token ({@code --token-file}, absolute), passed to every shard
 *     and worker; null: none
 * @param tls run every shard with mutual TLS (client certificates required) and every client with the
 *     worker certificate, from certificates made in the run folder's {@code tls/} ({@code --tls})
 */
public record LocalConfig(
    int shards,
    ServerConfig server,
    String model,
    int batchSize,
    Integer epochs,
    Long steps,
    long seed,
    Path out,
    int logEvery,
    boolean progress,
    WorkerDelay delay,
    Map<Integer, Double> stragglers,
    Map<Integer, Long> crashes,
    Map<Integer, Long> shardCrashes,
    DataOptions data,
    boolean overlap,
    Transport transport,
    WirePrecision wirePrecision,
    int workerProcesses,
    LinkRate simulatedHosts,
    List<String> commandLine,
    Path tokenFile,
    boolean tls) {

  /** Validates with messages that name the command-line flag. */
  public LocalConfig {
    if (shards < 1) {
      throw new IllegalArgumentException("--shards must be at least 1, got " + shards);
    }
    for (int rank : stragglers.keySet()) {
      checkRank("--slowdown", rank, server.workers());
    }
    for (int rank : crashes.keySet()) {
      checkRank("--crash-at-step", rank, server.workers());
    }
    for (Map.Entry<Integer, Long> c : shardCrashes.entrySet()) {
      if (c.getKey() < 0 || c.getKey() >= shards) {
        throw new IllegalArgumentException("--crash-shard names shard " + c.getKey() + ", but shards are 0.."
            + (shards - 1));
      }
      if (c.getValue() < 1) {
        throw new IllegalArgumentException("--crash-shard " + c.getKey() + ":" + c.getValue()
            + ": the version must be at least 1");
      }
    }
    if (!shardCrashes.isEmpty() && server.checkpoints().interval() < 1) {
      throw new IllegalArgumentException("--crash-shard needs --checkpoint-interval K (K >= 1): the restarted shard"
          + " resumes from its newest checkpoint");
    }
    if (workerProcesses < 1 || workerProcesses > server.workers()) {
      throw new IllegalArgumentException("--worker-processes must be between 1 and the number of workers ("
          + server.workers() + "), got " + workerProcesses);
    }
    if (crashes.size() >= server.workers()) {
      throw new IllegalArgumentException("--crash-at-step would crash every worker; leave at least one");
    }
    if (simulatedHosts != null && workerProcesses != server.workers()) {
      throw new IllegalArgumentException("--worker-processes cannot be combined with --simulate-hosts:"
          + " every worker runs on a host of its own");
    }
    if (simulatedHosts != null && transport == Transport.SHM) {
      throw new IllegalArgumentException("--transport shm cannot be combined with --simulate-hosts:"
          + " simulated hosts share no memory");
    }
    if (wirePrecision == null) {
      wirePrecision = WirePrecision.FP32;
    }
    wirePrecision.checkUsedBy(transport);
    stragglers = Map.copyOf(stragglers);
    crashes = Map.copyOf(crashes);
    shardCrashes = Map.copyOf(shardCrashes);
    commandLine = List.copyOf(commandLine);
  }

  private static void checkRank(String flag, int rank, int workers) {
    if (rank < 0 || rank >= workers) {
      throw new IllegalArgumentException(flag + " names worker " + rank + ", but ranks are 0.." + (workers - 1));
    }
  }

  /** Whether every shard and worker runs on a simulated host of its own. */
  public boolean simulateHosts() {
    return simulatedHosts != null;
  }

  /** N, the number of workers. */
  public int workers() {
    return server.workers();
  }

  public ConsistencyMode mode() {
    return server.mode();
  }

  public OptimizerConfig optimizer() {
    return server.optimizer();
  }
}
