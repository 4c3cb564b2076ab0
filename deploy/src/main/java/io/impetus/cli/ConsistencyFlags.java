package io.impetus.cli;

import io.impetus.shard.ConsistencyMode;
import io.impetus.shard.ServerConfig;
import io.impetus.staleness.StalenessPolicy;
import java.util.List;
import org.apache.commons.cli.Options;

/** The consistency and liveness flags, shared by {@code server} and {@code local}. */
public final class ConsistencyFlags {
  private ConsistencyFlags() {}

  /** Adds the flags to {@code options}. */
  public static void addTo(Options o) {
    o.addOption(OptimizerFlags.valued("mode", "MODE",
        "async (apply on arrival), sync (average one gradient per worker per step) or ssp (bounded staleness) (default async)"));
    o.addOption(OptimizerFlags.valued("backup-workers", "B",
        "sync: apply a step once N-B gradients are in; late ones are dropped and counted (default 0)"));
    o.addOption(OptimizerFlags.valued("staleness-bound", "S",
        "ssp: a worker may run at most S steps ahead of the slowest live worker (default 3)"));
    o.addOption(OptimizerFlags.valued("worker-timeout", "SECONDS",
        "a worker silent this long leaves the barriers and must rejoin (default 60)"));
    o.addOption(OptimizerFlags.valued("staleness-policy", "POLICY",
        "none, lr-divide, drop:K, dc-asgd:LAMBDA or momentum-compensation[:MU_MIN] (default none)"));
  }

  /** {@code base} with the mode, liveness and policy the flags give. */
  public static ServerConfig apply(Flags f, ServerConfig base) {
    ConsistencyMode mode = f.choice("mode", base.mode(), ConsistencyMode::parse);
    int backups = f.integer("backup-workers", base.backupWorkers());
    long bound = f.longOrNull("staleness-bound") != null ? f.longOrNull("staleness-bound")
        : mode == ConsistencyMode.SSP && base.mode() != ConsistencyMode.SSP ? 3 : base.stalenessBound();
    if (f.has("staleness-bound") && mode != ConsistencyMode.SSP) {
      throw new UsageException("--staleness-bound applies only to --mode ssp");
    }
    double timeoutSeconds = f.number("worker-timeout", base.workerTimeoutMillis() / 1000.0);
    StalenessPolicy policy = f.choice("staleness-policy", base.policy(), StalenessPolicy::parse);
    try {
      return base.withMode(mode, backups, bound).withLiveness(Math.round(timeoutSeconds * 1000), policy);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }

  /** The flags that reproduce the consistency settings of {@code c}. */
  public static List<String> toArgs(ServerConfig c) {
    return List.of(
        "--mode", c.mode().cliName(),
        "--backup-workers", Integer.toString(c.backupWorkers()),
        "--worker-timeout", Double.toString(c.workerTimeoutMillis() / 1000.0),
        "--staleness-policy", c.policy().spec());
  }

  /** The staleness bound flag, which only ssp accepts. */
  public static List<String> boundArgs(ServerConfig c) {
    return c.mode() == ConsistencyMode.SSP ? List.of("--staleness-bound", Long.toString(c.stalenessBound())) : List.of();
  }
}
