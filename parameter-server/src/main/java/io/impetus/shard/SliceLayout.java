package io.impetus.shard;

import io.impetus.proto.Layout;
import io.impetus.shard.ShardException.Code;
import io.impetus.wire.ShardPlan;
import io.impetus.wire.Reason;

/**
 * The parameter layout a shard serves, fixed by the first join: the model's P parameters, its
 * fingerprint, and the range [rangeStart, rangeEnd) of the flat vector this shard owns. Every later
 * join must describe the same model.
 */
record SliceLayout(long numParams, long fingerprint, String model, long rangeStart, long rangeEnd, int length) {

  /**
   * The layout of shard {@code shardIndex} of the plan in {@code layout}, which must be the plan this
   * shard belongs to ({@code numShards} shards).
   */
  static SliceLayout fix(Layout layout, int shardIndex, int numShards) throws ShardException {
    requireThisShard(layout, shardIndex, numShards);
    ShardPlan plan;
    try {
      plan = new ShardPlan(layout.getNumParams(), layout.getNumShards());
    } catch (IllegalArgumentException e) {
      throw new ShardException(Code.INVALID_ARGUMENT, Reason.LAYOUT_MISMATCH, e.getMessage());
    }
    return new SliceLayout(layout.getNumParams(), layout.getFingerprint(), layout.getModel(), plan.start(shardIndex),
        plan.end(shardIndex), plan.length(shardIndex));
  }

  /** Refuses a join whose layout asks for another shard, or describes another model, than this one. */
  void requireSame(Layout layout, int shardIndex, int numShards) throws ShardException {
    requireThisShard(layout, shardIndex, numShards);
    if (layout.getNumParams() != numParams || layout.getFingerprint() != fingerprint) {
      throw new ShardException(Code.FAILED_PRECONDITION, Reason.LAYOUT_MISMATCH, String.format(
          "layout mismatch: shard %d holds model '%s' with %d parameters (fingerprint %016x), "
              + "the worker has model '%s' with %d parameters (fingerprint %016x)",
          shardIndex, model, numParams, fingerprint, layout.getModel(), layout.getNumParams(),
          layout.getFingerprint()));
    }
  }

  private static void requireThisShard(Layout layout, int shardIndex, int numShards) throws ShardException {
    if (layout.getShardIndex() != shardIndex || layout.getNumShards() != numShards) {
      throw new ShardException(Code.FAILED_PRECONDITION, Reason.LAYOUT_MISMATCH, "this is shard " + shardIndex + " of " + numShards
          + ", the worker asked for shard " + layout.getShardIndex() + " of " + layout.getNumShards());
    }
  }
}
