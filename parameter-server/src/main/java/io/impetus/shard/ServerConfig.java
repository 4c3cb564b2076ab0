package io.impetus.shard;

import io.impetus.optim.GradNormClip;
import io.impetus.optim.OptimizerConfig;
import io.impetus.optim.OptimizerKind;
import io.impetus.shard.checkpoint.CheckpointSettings;
import io.impetus.staleness.MomentumCompensation;
import io.impetus.staleness.StalenessPolicy;
import io.impetus.wire.SharedSegment;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Everything one shard process needs, parsed once from the command line.
 *
 * @param host address to bind (0.0.0.0 for every interface)
 * @param port port to listen on (0 picks a free one)
 * @param shardIndex which range of the ShardPlan this process owns
 * @param numShards S, the number of shards in the plan
 * @param workers N, the number of workers the barriers count
 * @param mode when gradients are applied and replies given
 * @param backupWorkers sync: apply a step once N - b gradients are in; later ones are dropped
 * @param stalenessBound ssp: how many steps a worker may run ahead of the slowest live one
 * @param workerTimeoutMillis a worker silent this long leaves every barrier
 * @param policy what to do with a gradient according to its staleness
 * @param optimizer the update rule and its hyperparameters
 * @param sharedMemoryDir the folder whose segment files workers on this host may attach (the
 *     shared-memory data plane), or null to refuse every attach so that workers stream floats
 * @param doorbell whether workers that attach a segment are offered the shard's doorbell (a socket in
 *     {@code sharedMemoryDir} that carries their push headers without HTTP/2), or push over gRPC
 * @param checkpoints where and how often the shard checkpoints its state, and restores it from
 * @param crashAtVersion fault injection: the process kills itself (exit 137, as SIGKILL) right after
 *     applying the update that makes its version this one, once the checkpoints handed over so far
 *     are on disk ({@code --crash-at-version}); 0: never
 * @param clipGradNorm the L2 norm each pushed gradient of this shard's slice is clipped to before the
 *     optimizer ({@code --clip-grad-norm}; per slice, not per model), or {@link GradNormClip#NONE}
 * @param layoutLimits the layout a Join must describe ({@code --num-params}, {@code --model}) and the
 *     most parameters it may ask for ({@code --max-params}), checked before the shard allocates anything
 * @param limits what callers may make the shard hold: connections, calls, idle streams, queued work,
 *     unread replies
 * @param security the bearer token, TLS and health port that guard the shard's edge
 *     ({@link ServerSecurity#NONE}: plaintext, every caller trusted)
 */
public record ServerConfig(
    String host,
    int port,
    int shardIndex,
    int numShards,
    int workers,
    ConsistencyMode mode,
    int backupWorkers,
    long stalenessBound,
    long workerTimeoutMillis,
    StalenessPolicy policy,
    OptimizerConfig optimizer,
    Path sharedMemoryDir,
    boolean doorbell,
    CheckpointSettings checkpoints,
    long crashAtVersion,
    GradNormClip clipGradNorm,
    LayoutLimits layoutLimits,
    ServerLimits limits,
    ServerSecurity security) {

  /** Default lease: a worker silent for a minute is presumed dead. */
  public static final long DEFAULT_WORKER_TIMEOUT_MILLIS = 60_000;

  /** Validates ranges with messages that name the command-line flag. */
  public ServerConfig {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("--port must be in [0, 65535], got " + port);
    }
    if (numShards < 1) {
      throw new IllegalArgumentException("--num-shards must be at least 1, got " + numShards);
    }
    if (shardIndex < 0 || shardIndex >= numShards) {
      throw new IllegalArgumentException(
          "--shard-index must be in [0, " + numShards + "), got " + shardIndex);
    }
    if (workers < 1) {
      throw new IllegalArgumentException("--workers must be at least 1, got " + workers);
    }
    if (backupWorkers < 0 || backupWorkers >= workers) {
      throw new IllegalArgumentException("--backup-workers must be in [0, " + workers + "), got " + backupWorkers);
    }
    if (backupWorkers > 0 && mode != ConsistencyMode.SYNC) {
      throw new IllegalArgumentException("--backup-workers applies only to --mode sync");
    }
    if (stalenessBound < 0) {
      throw new IllegalArgumentException("--staleness-bound must be >= 0, got " + stalenessBound);
    }
    if (workerTimeoutMillis < 100) {
      throw new IllegalArgumentException("--worker-timeout must be at least 0.1 s, got " + workerTimeoutMillis + " ms");
    }
    if (policy instanceof MomentumCompensation
        && (optimizer.kind() != OptimizerKind.SGD || optimizer.momentum() <= 0)) {
      throw new IllegalArgumentException("--staleness-policy momentum-compensation needs --optimizer sgd with --momentum > 0");
    }
    if (checkpoints == null) {
      throw new IllegalArgumentException("checkpoint settings are required (CheckpointSettings.none() for none)");
    }
    if (crashAtVersion < 0) {
      throw new IllegalArgumentException("--crash-at-version must be at least 1 (0: never), got " + crashAtVersion);
    }
    if (clipGradNorm == null) {
      throw new IllegalArgumentException("clipping is required (GradNormClip.NONE for none)");
    }
    if (layoutLimits == null) {
      throw new IllegalArgumentException("layout limits are required (LayoutLimits.DEFAULT for none)");
    }
    if (layoutLimits.expected().numParams() > 0 && layoutLimits.expected().numParams() < numShards) {
      throw new IllegalArgumentException("a model of " + layoutLimits.expected().numParams()
          + " parameters (--num-params, --model) cannot be cut into " + numShards + " shards (--num-shards)");
    }
    if (limits == null) {
      throw new IllegalArgumentException("limits are required (ServerLimits.defaults(workers) for the defaults)");
    }
    if (security == null) {
      security = ServerSecurity.NONE;
    }
  }

  /**
   * As the canonical constructor, with shared memory in {@link SharedSegment#DEFAULT_DIR} and a doorbell, without
   * checkpoints, fault injection, clipping, layout limits or security, and with the default resource bounds for
   * {@code workers}.
   */
  public ServerConfig(
      String host,
      int port,
      int shardIndex,
      int numShards,
      int workers,
      ConsistencyMode mode,
      int backupWorkers,
      long stalenessBound,
      long workerTimeoutMillis,
      StalenessPolicy policy,
      OptimizerConfig optimizer) {
    this(host, port, shardIndex, numShards, workers, mode, backupWorkers, stalenessBound, workerTimeoutMillis, policy,
        optimizer, SharedSegment.DEFAULT_DIR, true, CheckpointSettings.none(), 0, GradNormClip.NONE,
        LayoutLimits.DEFAULT, ServerLimits.defaults(workers), ServerSecurity.NONE);
  }

  /** A shard with the default liveness settings and no staleness policy. */
  public ServerConfig(
      String host, int port, int shardIndex, int numShards, int workers, ConsistencyMode mode, OptimizerConfig optimizer) {
    this(host, port, shardIndex, numShards, workers, mode, 0, 0, DEFAULT_WORKER_TIMEOUT_MILLIS,
        new StalenessPolicy.None(), optimizer);
  }

  /** The staleness bound that gates replies: s for ssp, none (Long.MAX_VALUE) for async. */
  long replyBound() {
    return mode == ConsistencyMode.SSP ? stalenessBound : Long.MAX_VALUE;
  }

  /** A copy with another mode and its parameters. */
  public ServerConfig withMode(ConsistencyMode newMode, int newBackupWorkers, long newStalenessBound) {
    return with(b -> {
      b.mode = newMode;
      b.backupWorkers = newBackupWorkers;
      b.stalenessBound = newStalenessBound;
    });
  }

  /** A copy for another process: another address and shard index. */
  public ServerConfig withAddress(String newHost, int newPort, int newShardIndex) {
    return with(b -> {
      b.host = newHost;
      b.port = newPort;
      b.shardIndex = newShardIndex;
    });
  }

  /** A copy whose shared-memory folder is {@code dir} (null: refuse every attach). */
  public ServerConfig withSharedMemoryDir(Path dir) {
    return with(b -> b.sharedMemoryDir = dir);
  }

  /** A copy with another lease and policy. */
  public ServerConfig withLiveness(long newWorkerTimeoutMillis, StalenessPolicy newPolicy) {
    return with(b -> {
      b.workerTimeoutMillis = newWorkerTimeoutMillis;
      b.policy = newPolicy;
    });
  }

  /** A copy that checkpoints (and restores) as {@code settings} say. */
  public ServerConfig withCheckpoints(CheckpointSettings settings) {
    return with(b -> b.checkpoints = settings);
  }

  /** A copy that offers a doorbell to workers that attach segments, or not. */
  public ServerConfig withDoorbell(boolean offer) {
    return with(b -> b.doorbell = offer);
  }

  /** A copy that crashes at {@code version} (0: never; see {@code crashAtVersion}). */
  public ServerConfig withCrashAtVersion(long version) {
    return with(b -> b.crashAtVersion = version);
  }

  /** A copy that clips each gradient of the slice to {@code clip} before the optimizer. */
  public ServerConfig withClipGradNorm(GradNormClip clip) {
    return with(b -> b.clipGradNorm = clip);
  }

  /** A copy that checks each Join against {@code newLimits} before allocating anything. */
  public ServerConfig withLayoutLimits(LayoutLimits newLimits) {
    return with(b -> b.layoutLimits = newLimits);
  }

  /** A copy with other resource bounds. */
  public ServerConfig withLimits(ServerLimits newLimits) {
    return with(b -> b.limits = newLimits);
  }

  /** A copy guarded by {@code newSecurity} (token, TLS, health port). */
  public ServerConfig withSecurity(ServerSecurity newSecurity) {
    return with(b -> b.security = newSecurity);
  }

  /** A copy of this config with what {@code change} sets, validated again by the canonical constructor. */
  private ServerConfig with(Consumer<Builder> change) {
    Builder builder = new Builder(this);
    change.accept(builder);
    return builder.build();
  }

  /**
   * The components of a config as fields to set, so that each copy method names only what it changes and the
   * full constructor call stands in one place.
   */
  private static final class Builder {
    String host;
    int port;
    int shardIndex;
    int numShards;
    int workers;
    ConsistencyMode mode;
    int backupWorkers;
    long stalenessBound;
    long workerTimeoutMillis;
    StalenessPolicy policy;
    OptimizerConfig optimizer;
    Path sharedMemoryDir;
    boolean doorbell;
    CheckpointSettings checkpoints;
    long crashAtVersion;
    GradNormClip clipGradNorm;
    LayoutLimits layoutLimits;
    ServerLimits limits;
    ServerSecurity security;

    Builder(ServerConfig from) {
      host = from.host;
      port = from.port;
      shardIndex = from.shardIndex;
      numShards = from.numShards;
      workers = from.workers;
      mode = from.mode;
      backupWorkers = from.backupWorkers;
      stalenessBound = from.stalenessBound;
      workerTimeoutMillis = from.workerTimeoutMillis;
      policy = from.policy;
      optimizer = from.optimizer;
      sharedMemoryDir = from.sharedMemoryDir;
      doorbell = from.doorbell;
      checkpoints = from.checkpoints;
      crashAtVersion = from.crashAtVersion;
      clipGradNorm = from.clipGradNorm;
      layoutLimits = from.layoutLimits;
      limits = from.limits;
      security = from.security;
    }

    ServerConfig build() {
      return new ServerConfig(host, port, shardIndex, numShards, workers, mode, backupWorkers, stalenessBound,
          workerTimeoutMillis, policy, optimizer, sharedMemoryDir, doorbell, checkpoints, crashAtVersion, clipGradNorm,
          layoutLimits, limits, security);
    }
  }
}
