package io.impetus.train;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.function.Consumer;

/**
 * A worker's Prometheus metrics, fed one {@link StepRecord} per step (from the training thread; the
 * instruments are thread-safe, so scrapes never wait for training). Every metric has label
 * {@code rank}.
 *
 * <ul>
 *   <li>{@code impetus_worker_steps_total}, {@code impetus_worker_samples_total},
 *       {@code impetus_worker_dropped_gradients_total}
 *   <li>{@code impetus_worker_loss}: the last minibatch loss
 *   <li>{@code impetus_worker_samples_per_second}: samples since the first step over the time since
 *   <li>{@code impetus_worker_push_pull_seconds}: histogram of the wait for the push-pull replies
 *   <li>{@code impetus_worker_compute_seconds}: histogram of forward and backward
 *   <li>{@code impetus_worker_staleness}: histogram of each step's largest staleness, in versions
 * </ul>
 */
public final class WorkerMetrics implements Consumer<StepRecord> {
  private final String rank;
  private final Counter steps;
  private final Counter samples;
  private final Counter dropped;
  private final Gauge loss;
  private final Gauge samplesPerSecond;
  private final Histogram pushPull;
  private final Histogram compute;
  private final Histogram staleness;
  private long firstStepMillis = -1;
  private long totalSamples;

  /** Registers the metrics of worker {@code rank} with {@code registry}. */
  public WorkerMetrics(PrometheusRegistry registry, int rank) {
    this.rank = Integer.toString(rank);
    steps = Counter.builder().name("impetus_worker_steps").help("training steps completed").labelNames("rank")
        .register(registry);
    samples = Counter.builder().name("impetus_worker_samples").help("examples trained on").labelNames("rank")
        .register(registry);
    dropped = Counter.builder().name("impetus_worker_dropped_gradients")
        .help("steps whose gradient a shard did not apply (too stale, or late for its sync step)").labelNames("rank")
        .register(registry);
    loss = Gauge.builder().name("impetus_worker_loss").help("the last minibatch loss").labelNames("rank")
        .register(registry);
    samplesPerSecond = Gauge.builder().name("impetus_worker_samples_per_second")
        .help("examples per second since the first step").labelNames("rank").register(registry);
    pushPull = Histogram.builder().name("impetus_worker_push_pull_seconds")
        .help("time from pushing a gradient to holding every shard's fresh parameters")
        .classicOnly().labelNames("rank").register(registry);
    compute = Histogram.builder().name("impetus_worker_compute_seconds")
        .help("forward and backward of one minibatch, including injected delays").classicOnly().labelNames("rank")
        .register(registry);
    staleness = Histogram.builder().name("impetus_worker_staleness")
        .help("largest staleness any shard measured for the step's gradient, in versions")
        .classicUpperBounds(0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512).labelNames("rank").register(registry);
  }

  @Override
  public void accept(StepRecord r) {
    if (firstStepMillis < 0) {
      firstStepMillis = r.timeMillis();
    }
    totalSamples += r.samples();
    steps.labelValues(rank).inc();
    samples.labelValues(rank).inc(r.samples());
    if (r.dropped()) {
      dropped.labelValues(rank).inc();
    }
    loss.labelValues(rank).set(r.loss());
    long elapsed = r.timeMillis() - firstStepMillis;
    if (elapsed > 0) {
      samplesPerSecond.labelValues(rank).set(totalSamples * 1000.0 / elapsed);
    }
    pushPull.labelValues(rank).observe(r.waitNanos() / 1e9);
    compute.labelValues(rank).observe(r.computeNanos() / 1e9);
    staleness.labelValues(rank).observe(r.staleness());
  }
}
