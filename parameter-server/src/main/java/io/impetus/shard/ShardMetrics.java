package io.impetus.shard;

import io.impetus.proto.StalenessStats;
import io.impetus.proto.StatusReply;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.Collector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.Map;
import java.util.function.Function;

/**
 * A shard's Prometheus metrics, every one label {@code shard}. They are callbacks that read the
 * {@link ShardServer#snapshot} the update thread publishes, so a scrape never touches (or waits
 * for) the shard's state.
 *
 * <ul>
 *   <li>{@code impetus_shard_version}, {@code impetus_shard_updates_applied_total}: updates applied
 *   <li>{@code impetus_shard_gradients_applied_total}: worker gradients that went into an update
 *   <li>{@code impetus_shard_gradients_rejected_total{reason}}: refused or dropped gradients
 *   <li>{@code impetus_shard_staleness}: histogram of applied gradients' staleness, in versions
 *   <li>{@code impetus_shard_checkpoints_total{outcome}}: checkpoints written or failed
 *   <li>{@code impetus_shard_pushes_total{outcome}}: pushes applied, deduplicated or refused
 *   <li>{@code impetus_shard_unauthenticated_calls_total}: calls refused for a missing or wrong bearer token
 *   <li>{@code impetus_shard_live_workers}, {@code impetus_shard_expected_workers}
 *   <li>{@code impetus_shard_initialized} (0/1), {@code impetus_shard_learning_rate},
 *       {@code impetus_shard_idle_seconds}
 * </ul>
 */
public final class ShardMetrics {
  /** Upper bounds of the staleness histogram's buckets, in versions. */
  static final double[] STALENESS_BOUNDS = {0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, Double.POSITIVE_INFINITY};

  private ShardMetrics() {}

  /** Registers {@code server}'s metrics with {@code registry}. */
  public static void register(PrometheusRegistry registry, ShardServer server) {
    String shard = Integer.toString(server.config().shardIndex());
    gauge(registry, "impetus_shard_version", "updates applied so far (the shard's version)", server, shard,
        StatusReply::getVersion);
    counter(registry, "impetus_shard_updates_applied", "updates applied to the shard's parameters", server, shard,
        StatusReply::getVersion);
    counter(registry, "impetus_shard_gradients_applied", "worker gradients that went into an update", server, shard,
        s -> s.getStaleness().getCount());
    gauge(registry, "impetus_shard_live_workers", "workers the barriers count now", server, shard,
        StatusReply::getLiveWorkers);
    gauge(registry, "impetus_shard_expected_workers", "N, the workers of the job", server, shard,
        StatusReply::getExpectedWorkers);
    gauge(registry, "impetus_shard_initialized", "1 once a worker initialized the parameters", server, shard,
        s -> s.getInitialized() ? 1 : 0);
    gauge(registry, "impetus_shard_learning_rate", "the learning rate of the next update", server, shard,
        StatusReply::getCurrentLr);
    GaugeWithCallback.builder().name("impetus_shard_idle_seconds").help("seconds since a worker last called")
        .labelNames("shard").callback(cb -> cb.call(server.idleNanos() / 1e9, shard)).register(registry);
    byReason(registry, "impetus_shard_gradients_rejected", "gradients refused or dropped, by reason", server, shard,
        StatusReply::getRejectedMap);
    byReason(registry, "impetus_shard_calls_refused", "calls refused by a bound (docs/security.md), by reason", server,
        shard, StatusReply::getRefusedCallsMap);
    counter(registry, "impetus_shard_update_failures", "tasks that failed on the update thread (answered INTERNAL)",
        server, shard, StatusReply::getUpdateFailures);
    gauge(registry, "impetus_shard_reply_buffer_bytes", "bytes of replies held for callers that have not read them",
        server, shard, StatusReply::getReplyBufferBytes);
    gauge(registry, "impetus_shard_open_connections", "open gRPC connections", server, shard,
        StatusReply::getOpenConnections);
    byOutcome(registry, "impetus_shard_checkpoints", "checkpoints of the shard's state, by outcome", server, shard,
        Map.of("written", StatusReply::getCheckpointsWritten, "failed", StatusReply::getCheckpointsFailed));
    byOutcome(registry, "impetus_shard_pushes", "pushes by outcome (a deduplicated one repeated a processed step)",
        server, shard, Map.of("applied", StatusReply::getPushesApplied, "deduplicated",
            StatusReply::getPushesDeduplicated, "refused", StatusReply::getPushesRefused));
    CounterWithCallback.builder().name("impetus_shard_unauthenticated_calls")
        .help("calls refused for a missing or wrong bearer token").labelNames("shard")
        .callback(cb -> cb.call(server.unauthenticatedCalls(), shard)).register(registry);
    registry.register(new StalenessHistogram(server, shard));
  }

  /** A counter with one series per reason, the reasons and counts read from a map of the snapshot. */
  private static void byReason(PrometheusRegistry registry, String name, String help, ShardServer server, String shard,
      Function<StatusReply, Map<String, Long>> counts) {
    CounterWithCallback.builder().name(name).help(help).labelNames("shard", "reason")
        .callback(cb -> {
          StatusReply s = server.snapshot();
          if (s != null) {
            for (Map.Entry<String, Long> e : counts.apply(s).entrySet()) {
              cb.call(e.getValue(), shard, e.getKey());
            }
          }
        })
        .register(registry);
  }

  /** A counter with one series per outcome, each read from the snapshot. */
  private static void byOutcome(PrometheusRegistry registry, String name, String help, ShardServer server,
      String shard, Map<String, Function<StatusReply, Long>> outcomes) {
    CounterWithCallback.builder().name(name).help(help).labelNames("shard", "outcome")
        .callback(cb -> {
          StatusReply s = server.snapshot();
          if (s != null) {
            outcomes.forEach((outcome, value) -> cb.call(value.apply(s), shard, outcome));
          }
        })
        .register(registry);
  }

  private static void gauge(PrometheusRegistry registry, String name, String help, ShardServer server, String shard,
      Function<StatusReply, Number> value) {
    GaugeWithCallback.builder().name(name).help(help).labelNames("shard")
        .callback(cb -> {
          StatusReply s = server.snapshot();
          if (s != null) {
            cb.call(value.apply(s).doubleValue(), shard);
          }
        })
        .register(registry);
  }

  private static void counter(PrometheusRegistry registry, String name, String help, ShardServer server, String shard,
      Function<StatusReply, Number> value) {
    CounterWithCallback.builder().name(name).help(help).labelNames("shard")
        .callback(cb -> {
          StatusReply s = server.snapshot();
          if (s != null) {
            cb.call(value.apply(s).doubleValue(), shard);
          }
        })
        .register(registry);
  }

  /** Per-bucket counts over {@link #STALENESS_BOUNDS} of a per-version staleness histogram. */
  static long[] bucketCounts(StalenessStats stats) {
    long[] counts = new long[STALENESS_BOUNDS.length];
    for (int k = 0; k < stats.getHistogramCount(); k++) {
      int b = 0;
      while (k > STALENESS_BOUNDS[b]) {
        b++;
      }
      counts[b] += stats.getHistogram(k);
    }
    return counts;
  }

  /** The staleness histogram, rebuilt from the snapshot's per-version counts at every scrape. */
  private static final class StalenessHistogram implements Collector {
    private final ShardServer server;
    private final String shard;

    StalenessHistogram(ShardServer server, String shard) {
      this.server = server;
      this.shard = shard;
    }

    @Override
    public MetricSnapshot collect() {
      StatusReply s = server.snapshot();
      StalenessStats stats = s == null ? StalenessStats.getDefaultInstance() : s.getStaleness();
      return HistogramSnapshot.builder()
          .name("impetus_shard_staleness")
          .help("staleness of applied gradients, in versions (updates between the worker's read and the apply)")
          .dataPoint(HistogramSnapshot.HistogramDataPointSnapshot.builder()
              .labels(Labels.of("shard", shard))
              .classicHistogramBuckets(ClassicHistogramBuckets.of(STALENESS_BOUNDS, bucketCounts(stats)))
              .sum(stats.getSum())
              .build())
          .build();
    }

    @Override
    public String getPrometheusName() {
      return "impetus_shard_staleness";
    }
  }
}
