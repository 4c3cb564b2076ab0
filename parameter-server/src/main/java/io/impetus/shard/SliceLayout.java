package io.impetus.shard;

import io.impetus.proto.Layout;
import io.impetus.shard.ShardException.Code;
import io.impetus.wire.ShardPlan;
import io.impetus.wire.Reason;

/**
 * The parameter layout a shard serves, fixed by the first join: the model's P parameters, its
 * fingerprint, and the range [rangeStart, rangeEnd) of the flat vector this shard owns. Every later
 * join must describe the same model ({@link LayoutCheck} compares them).
 */
record SliceLayout(long numParams, long fingerprint, String model, long rangeStart, long rangeEnd, int length) {

  /**
   * The layout of shard {@code shardIndex} of the plan in {@code layout}, which {@link LayoutCheck} has
   * found to be the plan this shard belongs to ({@code numShards} shards).
   */
  static SliceLayout fix(Layout layout, int shardIndex, int numShards) throws ShardException {
    ShardPlan plan;
    try {
      plan = new ShardPlan(layout.getNumParams(), layout.getNumShards());
    } catch (IllegalArgumentException e) {
      throw new ShardException(Code.INVALID_ARGUMENT, Reason.LAYOUT_MISMATCH, e.getMessage());
    }
    return new SliceLayout(layout.getNumParams(), layout.getFingerprint(), layout.getModel(), plan.start(shardIndex),
        plan.end(shardIndex), plan.length(shardIndex));
  }
}
