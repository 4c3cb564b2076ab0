package io.impetus.client;

/**
 * What the shards said about one push: the staleness each shard measured when it applied its slice
 * of the gradient, and the versions of the fresh parameters now in the worker's array.
 */
public record PushResult(long[] staleness, long[] versions) {

  /** The largest staleness over the shards. */
  public long maxStaleness() {
    long max = 0;
    for (long s : staleness) {
      max = Math.max(max, s);
    }
    return max;
  }

  /** The mean staleness over the shards. */
  public double meanStaleness() {
    double sum = 0;
    for (long s : staleness) {
      sum += s;
    }
    return staleness.length == 0 ? 0 : sum / staleness.length;
  }
}
