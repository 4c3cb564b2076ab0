package io.impetus.shard;

import io.impetus.optim.OptimizerConfig;

/**
 * Everything one shard process needs, parsed once from the command line.
 *
 * @param host address to bind (0.0.0.0 for every interface)
 * @param port port to listen on (0 picks a free one)
 * @param shardIndex which range of the ShardPlan this process owns
 * @param numShards S, the number of shards in the plan
 * @param workers N, the number of workers the sync barrier waits for
 * @param mode when gradients are applied
 * @param optimizer the update rule and its hyperparameters
 */
public record ServerConfig(
    String host, int port, int shardIndex, int numShards, int workers, ConsistencyMode mode, OptimizerConfig optimizer) {

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
  }
}
