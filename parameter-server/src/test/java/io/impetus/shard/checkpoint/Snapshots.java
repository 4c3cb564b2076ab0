package io.impetus.shard.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.impetus.optim.Optimizer;
import io.impetus.optim.OptimizerConfig;
import io.impetus.optim.OptimizerState;
import io.impetus.optim.Optimizers;
import io.impetus.staleness.StalenessRecorder;
import io.impetus.wire.ShardPlan;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Snapshots with real optimizer state (a few steps of the real optimizer on random gradients), for tests. */
final class Snapshots {
  private Snapshots() {}

  /** Shard 1 of 2 of a 2·{@code length}-parameter model at version {@code version}, after as many steps. */
  static ShardSnapshot sample(OptimizerConfig config, int length, long version) {
    ShardPlan plan = new ShardPlan(2L * length, 2);
    CheckpointLayout layout = new CheckpointLayout(1, 2, 2L * length, 0x0123_4567_89ab_cdefL, "test-model",
        plan.start(1), plan.end(1));
    Random random = new Random(version);
    float[] params = new float[length];
    float[] grad = new float[length];
    for (int i = 0; i < length; i++) {
      params[i] = (float) random.nextGaussian();
    }
    params[0] = -0.0f; // the sign of zero survives too
    Optimizer optimizer = Optimizers.create(config);
    OptimizerState state = optimizer.newState(length);
    StalenessRecorder staleness = new StalenessRecorder();
    for (long step = 0; step < version; step++) {
      for (int i = 0; i < length; i++) {
        grad[i] = (float) random.nextGaussian();
      }
      optimizer.step(params, grad, state, config.schedule().lrAt(config.lr(), step));
      staleness.record(step % 5);
    }
    StalenessRecorder stepLag = new StalenessRecorder();
    stepLag.record(2);
    Map<String, float[]> buffers = new LinkedHashMap<>(state.buffers());
    return new ShardSnapshot(layout, config, version, version, "dc-asgd:0.04", 0.85,
        List.of(new WorkerProgress(version, version - 1, 0x5eed_5eedL), WorkerProgress.NONE, new WorkerProgress(3, 2, 0)),
        staleness.counts(), stepLag.counts(), params, state.steps(), buffers);
  }

  /** Asserts that two snapshots hold the same state, floats bit for bit. */
  static void assertSameState(ShardSnapshot expected, ShardSnapshot actual) {
    assertEquals(expected.layout(), actual.layout());
    assertEquals(expected.optimizer(), actual.optimizer());
    assertEquals(expected.version(), actual.version());
    assertEquals(expected.schedulePosition(), actual.schedulePosition());
    assertEquals(expected.stalenessPolicy(), actual.stalenessPolicy());
    assertEquals(Double.doubleToRawLongBits(expected.lastMomentum()), Double.doubleToRawLongBits(actual.lastMomentum()));
    assertEquals(expected.workers(), actual.workers());
    assertCounts(expected.staleness(), actual.staleness());
    assertCounts(expected.stepLag(), actual.stepLag());
    assertArrayEquals(bits(expected.params()), bits(actual.params()), "parameters");
    assertEquals(expected.optimizerSteps(), actual.optimizerSteps());
    assertEquals(expected.buffers().keySet(), actual.buffers().keySet(), "buffer names, in order");
    for (String name : expected.buffers().keySet()) {
      assertArrayEquals(bits(expected.buffers().get(name)), bits(actual.buffers().get(name)), name);
    }
  }

  private static void assertCounts(StalenessRecorder.Counts expected, StalenessRecorder.Counts actual) {
    assertEquals(expected.count(), actual.count());
    assertEquals(expected.sum(), actual.sum());
    assertEquals(expected.max(), actual.max());
    assertArrayEquals(expected.histogram(), actual.histogram());
  }

  static int[] bits(float[] values) {
    int[] out = new int[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = Float.floatToRawIntBits(values[i]);
    }
    return out;
  }
}
