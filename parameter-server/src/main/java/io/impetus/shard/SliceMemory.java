package io.impetus.shard;

import io.impetus.optim.Optimizers;

/**
 * What a shard's slice costs in heap, per value of the slice, and so the largest model whose slice a
 * shard's heap holds: the default of {@code --max-params}.
 *
 * <p>Per value of its slice a shard keeps, in float32: the parameters and the sync round's average
 * (2); the optimizer state, {@code b} buffers (none or one for SGD, two or three for Adam), and the
 * undo record of a checked update ({@code 1 + b}); for each of the N workers a gradient buffer and,
 * while it initializes the shard, the initial values it streams ({@code 2N}); the slice each worker
 * last read, when the staleness policy needs it ({@code N}); and with checkpoints on, the snapshot
 * being written ({@code 1 + b}). The default bound lets all of that take at most half the JVM's
 * maximum heap ({@code -Xmx}): the rest is headroom for gRPC, replies in flight and the JVM itself.
 */
public final class SliceMemory {
  /** The share of the maximum heap the default bound gives the slice: one half. */
  static final int HEAP_DIVISOR = 2;

  private SliceMemory() {}

  /** Floats the shard allocates per value of its slice under {@code config}. */
  public static int floatsPerValue(ServerConfig config) {
    int buffers = Optimizers.create(config.optimizer()).newState(0).buffers().size();
    int workers = config.workers();
    int floats = 2 + (1 + buffers) + buffers + 2 * workers;
    if (config.policy().needsReadParams()) {
      floats += workers;
    }
    if (config.checkpoints().enabled()) {
      floats += 1 + buffers;
    }
    return floats;
  }

  /**
   * The most parameters a model may have for every slice of it (at most ceil(P / S) values) to fit
   * in half of {@code maxHeapBytes} under {@code config}; at least one value per shard.
   */
  public static long defaultMaxParams(ServerConfig config, long maxHeapBytes) {
    long perValue = 4L * floatsPerValue(config);
    long sliceValues = Math.max(1, Math.min(maxHeapBytes / HEAP_DIVISOR / perValue, Integer.MAX_VALUE - 8));
    return sliceValues * config.numShards();
  }

  /** {@code config}'s bound: its {@code --max-params}, else {@link #defaultMaxParams} for this JVM's heap. */
  public static long maxParams(ServerConfig config) {
    long explicit = config.layoutLimits().maxParams();
    return explicit > 0 ? explicit : defaultMaxParams(config, Runtime.getRuntime().maxMemory());
  }
}
