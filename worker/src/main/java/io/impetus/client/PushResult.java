package io.impetus.client;

/**
 * What the shards said about one push, shard by shard: the staleness each measured when it applied
 * its slice of the gradient, the step lag (newest live worker step minus this gradient's), whether
 * it dropped the slice instead, and the versions of the fresh parameters now in the worker's array.
 */
public record PushResult(long[] staleness, long[] stepLag, boolean[] dropped, long[] versions) {

  /** The largest staleness over the shards. */
  public long maxStaleness() {
    long max = 0;
    for (long s : staleness) {
      max = Math.max(max, s);
    }
    return max;
  }

  /** The largest step lag over the shards. */
  public long maxStepLag() {
    long max = 0;
    for (long s : stepLag) {
      max = Math.max(max, s);
    }
    return max;
  }

  /** Whether any shard dropped its slice of the gradient. */
  public boolean anyDropped() {
    for (boolean d : dropped) {
      if (d) {
        return true;
      }
    }
    return false;
  }
}
