package io.impetus.export;

import io.impetus.optim.OptimizerConfig;
import io.impetus.shard.checkpoint.CheckpointLayout;
import io.impetus.shard.checkpoint.CheckpointStore;
import io.impetus.shard.checkpoint.ShardSnapshot;
import io.impetus.staleness.StalenessRecorder;
import io.impetus.wire.ShardPlan;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Writes a model's parameters as the shards' checkpoints of one version, as shards would, for tests. */
public final class CheckpointFixture {
  private CheckpointFixture() {}

  /** Parameters 0.001·i (distinct, exactly representable enough to compare bit for bit after a copy). */
  public static float[] params(long count) {
    float[] p = new float[Math.toIntExact(count)];
    for (int i = 0; i < p.length; i++) {
      p[i] = 0.001f * i - 1f;
    }
    return p;
  }

  /** Writes shard {@code shard} of {@code numShards}'s slice of {@code params} at {@code version} into {@code dir}. */
  public static void writeShard(Path dir, String model, long fingerprint, float[] params, int shard, int numShards,
      long version) throws IOException {
    ShardPlan plan = new ShardPlan(params.length, numShards);
    int start = Math.toIntExact(plan.start(shard));
    int end = Math.toIntExact(plan.end(shard));
    float[] slice = java.util.Arrays.copyOfRange(params, start, end);
    CheckpointLayout layout = new CheckpointLayout(shard, numShards, params.length, fingerprint, model, start, end);
    StalenessRecorder none = new StalenessRecorder();
    ShardSnapshot snapshot = new ShardSnapshot(layout, OptimizerConfig.sgd(0.1, 0), version, version, "none", 0,
        List.of(), none.counts(), none.counts(), slice, version, Map.of());
    new CheckpointStore(dir.resolve("shard-" + shard), shard, 3).write(snapshot);
  }

  /** Writes every shard's checkpoint of {@code version}. */
  public static void writeAll(Path dir, String model, long fingerprint, float[] params, int numShards, long version)
      throws IOException {
    for (int s = 0; s < numShards; s++) {
      writeShard(dir, model, fingerprint, params, s, numShards, version);
    }
  }
}
