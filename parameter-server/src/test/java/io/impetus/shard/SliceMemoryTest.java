package io.impetus.shard;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.impetus.optim.OptimizerConfig;
import io.impetus.optim.OptimizerKind;
import io.impetus.shard.checkpoint.CheckpointSettings;
import io.impetus.staleness.DelayCompensation;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** What a slice costs per value, and so the default bound on a model's size, for a few configurations. */
class SliceMemoryTest {
  private static final long GIB = 1L << 30;

  private static ServerConfig config(int shards, int workers, OptimizerConfig optimizer) {
    return new ServerConfig("127.0.0.1", 0, 0, shards, workers, ConsistencyMode.ASYNC, optimizer);
  }

  @Test
  void plainSgdKeepsParamsAverageUndoAndTwoBuffersPerWorker() {
    // 2 (params, average) + 1 (undo of params) + 2 * 4 (gradient and initial values of 4 workers)
    assertEquals(11, SliceMemory.floatsPerValue(config(1, 4, OptimizerConfig.sgd(0.1, 0))));
    // momentum: one state buffer, and its undo
    assertEquals(13, SliceMemory.floatsPerValue(config(1, 4, OptimizerConfig.sgd(0.1, 0.9))));
  }

  @Test
  void adamWithCheckpointsAndDelayCompensationCountsEveryCopy() {
    ServerConfig c = config(1, 2, OptimizerConfig.defaults(OptimizerKind.ADAM, 0.001))
        .withLiveness(ServerConfig.DEFAULT_WORKER_TIMEOUT_MILLIS, new DelayCompensation(0.04))
        .withCheckpoints(new CheckpointSettings(Path.of("ckpt"), 100, 3));
    // 2 + (1 + 2) undo + 2 state + 2 * 2 workers + 2 read slices + (1 + 2) snapshot
    assertEquals(16, SliceMemory.floatsPerValue(c));
  }

  @Test
  void theDefaultBoundFillsHalfTheHeapPerShardTimesTheShards() {
    ServerConfig one = config(1, 4, OptimizerConfig.sgd(0.1, 0));
    assertEquals(GIB / 2 / (4 * 11), SliceMemory.defaultMaxParams(one, GIB));
    assertEquals(3 * (GIB / 2 / (4 * 11)), SliceMemory.defaultMaxParams(config(3, 4, OptimizerConfig.sgd(0.1, 0)), GIB));
    assertEquals(1, SliceMemory.defaultMaxParams(one, 0), "at least one value a shard");
    assertEquals(Integer.MAX_VALUE - 8, SliceMemory.defaultMaxParams(one, Long.MAX_VALUE), "at most the largest array");
  }

  @Test
  void anExplicitMaxParamsReplacesTheDefault() {
    ServerConfig c = config(1, 4, OptimizerConfig.sgd(0.1, 0)).withLayoutLimits(new LayoutLimits(ExpectedLayout.ANY, 77));
    assertEquals(77, SliceMemory.maxParams(c));
  }
}
