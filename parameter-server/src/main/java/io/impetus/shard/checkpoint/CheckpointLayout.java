package io.impetus.shard.checkpoint;

import io.impetus.wire.ShardPlan;

/**
 * Which slice of which model a checkpoint holds: shard {@code shardIndex} of {@code numShards}, the
 * range [rangeStart, rangeEnd) of a model of {@code numParams} parameters with the given layout
 * fingerprint. A shard restores only a checkpoint of its own index and shard count.
 */
public record CheckpointLayout(
    int shardIndex, int numShards, long numParams, long fingerprint, String model, long rangeStart, long rangeEnd) {

  /** Checks that the range is the one the {@link ShardPlan} gives this shard. */
  public CheckpointLayout {
    ShardPlan plan = new ShardPlan(numParams, numShards);
    if (shardIndex < 0 || shardIndex >= numShards || plan.start(shardIndex) != rangeStart
        || plan.end(shardIndex) != rangeEnd) {
      throw new IllegalArgumentException("range [" + rangeStart + ", " + rangeEnd + ") is not shard " + shardIndex
          + " of " + numShards + " of " + numParams + " parameters");
    }
  }

  /** The slice's length. */
  public int length() {
    return Math.toIntExact(rangeEnd - rangeStart);
  }

  /** For messages, e.g. {@code shard 0 of 2 ([0, 5000) of 10000 parameters of model 'mlp')}. */
  public String describe() {
    return "shard " + shardIndex + " of " + numShards + " ([" + rangeStart + ", " + rangeEnd + ") of " + numParams
        + " parameters of model '" + model + "')";
  }
}
