package io.impetus.shard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.impetus.optim.GradNormClip;
import io.impetus.optim.OptimizerConfig;
import io.impetus.optim.OptimizerKind;
import io.impetus.proto.StatusReply;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A shard refuses an update that would make a parameter or an optimizer value non-finite: the slice,
 * the optimizer state and the version stay as they were, the refusal is counted as {@code
 * non_finite_update}, and the worker gets its ordinary reply marked dropped, which it takes in its
 * stride. And {@code --clip-grad-norm} clips each slice's gradient before the optimizer. The core
 * tests drive the shard as {@link ShardCoreTest} does, on the test's thread.
 */
class NumericSafetyTest {
  private static final float[] INIT = ShardCoreTest.INIT;
  private static final OptimizerConfig ADAM = OptimizerConfig.defaults(OptimizerKind.ADAM, 0.01);

  private static ServerConfig config(ConsistencyMode mode, int workers, OptimizerConfig optimizer) {
    return new ServerConfig("127.0.0.1", 0, 0, 1, workers, mode, optimizer);
  }

  @Test
  void adamRefusesAHugeFiniteGradientKeepsItsStateAndGoesOnAsIfItNeverCame() throws Exception {
    Shard refusing = ShardCoreTest.start(config(ConsistencyMode.ASYNC, 1, ADAM));
    Shard reference = ShardCoreTest.start(config(ConsistencyMode.ASYNC, 1, ADAM));
    ShardCoreTest.push(refusing, 0, 0, 0, new float[] {0.5f, -1f, 2f});
    ShardCoreTest.push(reference, 0, 0, 0, new float[] {0.5f, -1f, 2f});

    // Squared in the second moment, 1e38 leaves the float range: the update would store an infinity.
    RecordingReply refused = ShardCoreTest.push(refusing, 0, 1, 1, new float[] {0.25f, 1e38f, 0.25f});
    assertTrue(refused.header.getDropped(), "the worker is told, as for a dropped gradient");
    assertEquals(1, refused.header.getVersion(), "the version does not move");
    RecordingReply pulled = new RecordingReply();
    reference.pull(0, ShardCoreTest.key(reference, 0), pulled);
    assertArrayEquals(pulled.values, refused.values, 0f);

    StatusReply status = refusing.status();
    assertEquals(Map.of("non_finite_update", 1L), status.getRejectedMap());
    assertEquals(1, status.getPushesApplied());
    assertEquals(1, status.getWorkers(0).getDropped());

    // Adam's moments and step count are untouched: the next update is the reference's second one.
    RecordingReply next = ShardCoreTest.push(refusing, 0, 1, 2, new float[] {-0.5f, 0.75f, 1f});
    RecordingReply expected = ShardCoreTest.push(reference, 0, 1, 1, new float[] {-0.5f, 0.75f, 1f});
    assertFalse(next.header.getDropped());
    assertEquals(2, next.header.getVersion());
    assertArrayEquals(expected.values, next.values, 0f);
  }

  @Test
  void syncRefusesTheRoundWhoseUpdateWouldOverflowAndAnswersEveryPushDropped() throws Exception {
    Shard shard = ShardCoreTest.start(config(ConsistencyMode.SYNC, 2, OptimizerConfig.sgd(100, 0.0)));
    RecordingReply first = ShardCoreTest.push(shard, 1, 0, 0, new float[] {1f, 1e38f, 1f});
    RecordingReply second = ShardCoreTest.push(shard, 0, 0, 0, new float[] {1f, 1e38f, 1f});
    for (RecordingReply r : new RecordingReply[] {first, second}) {
      assertTrue(r.header.getDropped());
      assertEquals(0, r.header.getVersion());
      assertArrayEquals(INIT, r.values, 0f);
    }
    assertEquals(Map.of("non_finite_update", 2L), shard.status().getRejectedMap());
    // The next round applies: p = INIT - 100 * average.
    ShardCoreTest.push(shard, 1, 0, 1, new float[] {0.01f, 0f, 0f});
    RecordingReply applied = ShardCoreTest.push(shard, 0, 0, 1, new float[] {0.03f, 0f, 0f});
    assertEquals(1, applied.header.getVersion());
    assertArrayEquals(new float[] {1f - 100f * 0.02f, 2f, 4f}, applied.values, 1e-6f);
  }

  @Test
  void clipGradNormScalesTheSlicesGradientBeforeTheOptimizer() throws Exception {
    Shard shard = ShardCoreTest.start(config(ConsistencyMode.ASYNC, 1, OptimizerConfig.sgd(0.5, 0.0))
        .withClipGradNorm(GradNormClip.of(1.0)));
    RecordingReply reply = ShardCoreTest.push(shard, 0, 0, 0, new float[] {3f, 0f, -4f}); // norm 5
    // By hand: g * (1 / (5 + 1e-6)) as a float, then p - 0.5 * g (one fused multiply-add, as torch).
    float c = (float) (1.0 / 5.000001);
    float[] expected = {Math.fma(-0.5f, 3f * c, 1f), 2f, Math.fma(-0.5f, -4f * c, 4f)};
    assertArrayEquals(expected, reply.values, 0f);
    assertEquals(1, reply.header.getVersion());
  }

  /** Over gRPC: the worker's reply says dropped, and the refusal reaches the Prometheus counter. */
  @Test
  void overGrpcTheWorkerSeesDroppedAndPrometheusCountsTheRefusal() throws Exception {
    String name = InProcessServerBuilder.generateName();
    ShardServer server = new ShardServer(InProcessServerBuilder.forName(name).directExecutor(),
        config(ConsistencyMode.ASYNC, 1, ADAM)).start();
    ManagedChannel channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    try {
      ShardTestClient client = new ShardTestClient(channel);
      client.join(0, ShardTestClient.layout(INIT.length, 1, 0, ShardTestClient.FINGERPRINT));
      client.initialize(0, INIT);
      ShardTestClient.Slice refused = client.push(0, 0, 0, new float[] {1e38f, 1e38f, 1e38f}).join();
      assertTrue(refused.dropped());
      assertEquals(0, refused.version());
      assertArrayEquals(INIT, refused.values(), 0f);
      ShardTestClient.Slice applied = client.push(0, 0, 1, new float[] {1f, 1f, 1f}).join();
      assertFalse(applied.dropped(), "the worker's next push goes through");
      assertEquals(1, applied.version());
    } finally {
      channel.shutdownNow();
      server.stop(); // publishes the final snapshot the metrics read
    }
    PrometheusRegistry registry = new PrometheusRegistry();
    ShardMetrics.register(registry, server);
    double counted = -1;
    for (MetricSnapshot m : registry.scrape()) {
      if (m.getMetadata().getName().equals("impetus_shard_gradients_rejected")) {
        for (CounterSnapshot.CounterDataPointSnapshot p : ((CounterSnapshot) m).getDataPoints()) {
          if ("non_finite_update".equals(p.getLabels().get("reason"))) {
            counted = p.getValue();
          }
        }
      }
    }
    assertEquals(1.0, counted);
  }
}
