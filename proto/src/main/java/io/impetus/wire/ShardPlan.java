package io.impetus.wire;

/**
 * How the flat parameter vector [0, P) is cut into S contiguous shards of near-equal length.
 *
 * <p>Shard i owns [start(i), end(i)). The first P mod S shards hold one value more than the
 * others. Workers and shards compute the plan independently from (P, S); both must get the same
 * answer, which is why it lives in the wire contract.
 */
public record ShardPlan(long numParams, int numShards) {

  /** Validates the plan; every shard must own at least one value. */
  public ShardPlan {
    if (numShards < 1) {
      throw new IllegalArgumentException("number of shards must be at least 1, got " + numShards);
    }
    if (numParams < numShards) {
      throw new IllegalArgumentException(
          "a model of " + numParams + " parameters cannot be cut into " + numShards + " shards");
    }
    if (numParams / numShards > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          "a shard of " + numParams / numShards + " values exceeds the largest Java array; use more shards");
    }
  }

  /** First index owned by {@code shard}. */
  public long start(int shard) {
    checkShard(shard);
    long base = numParams / numShards;
    long extra = numParams % numShards;
    return shard * base + Math.min(shard, extra);
  }

  /** One past the last index owned by {@code shard}. */
  public long end(int shard) {
    return shard == numShards - 1 ? numParams : start(shard + 1);
  }

  /** Number of values owned by {@code shard}. */
  public int length(int shard) {
    return (int) (end(shard) - start(shard));
  }

  /** The shard that owns flat index {@code index}. */
  public int shardOf(long index) {
    if (index < 0 || index >= numParams) {
      throw new IndexOutOfBoundsException("index " + index + " outside [0, " + numParams + ")");
    }
    long base = numParams / numShards;
    long extra = numParams % numShards;
    long bigShardsEnd = extra * (base + 1);
    if (index < bigShardsEnd) {
      return (int) (index / (base + 1));
    }
    return (int) (extra + (index - bigShardsEnd) / base);
  }

  private void checkShard(int shard) {
    if (shard < 0 || shard >= numShards) {
      throw new IndexOutOfBoundsException("shard " + shard + " outside [0, " + numShards + ")");
    }
  }
}
