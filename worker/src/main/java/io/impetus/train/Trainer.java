package io.impetus.train;

import io.grpc.Status;
import io.impetus.client.PushResult;
import io.impetus.client.ShardedClient;
import io.impetus.data.Batch;
import io.impetus.data.Batcher;
import io.impetus.data.Partition;
import io.impetus.model.Classifier;
import io.impetus.model.Evaluation;
import io.impetus.model.Model;
import io.impetus.model.Workload;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker's training loop: join the shards (initializing them if first), then repeat: next
 * minibatch of this rank's partition, forward/backward, push the gradient to every shard at once,
 * receive the fresh parameters. The gradient and parameter arrays are allocated once.
 *
 * <p>Recovery: when a shard says the worker must join again (ABORTED: its lease expired), does not
 * know the worker (NOT_FOUND: the shard restarted and lost its state) or cannot be reached
 * (UNAVAILABLE: it is restarting), the worker drops this step's gradient and joins every shard
 * again, waiting up to {@code --connect-timeout}. A restarted, empty shard is then initialized from
 * the worker's own copy of the parameters (the freshest it received), so training continues with
 * the shard's optimizer state reset rather than failing. After {@value #MAX_RECOVERIES}
 * consecutive failed steps the worker gives up.
 */
public final class Trainer {
  private static final Logger log = LoggerFactory.getLogger(Trainer.class);
  static final int MAX_RECOVERIES = 5;

  private final Workload workload;
  private final WorkerConfig config;
  private final ShardedClient client;
  private final Consumer<StepRecord> onStep;

  /** A trainer that reports every step to {@code onStep} (on the training thread). */
  public Trainer(Workload workload, WorkerConfig config, ShardedClient client, Consumer<StepRecord> onStep) {
    this.workload = workload;
    this.config = config;
    this.client = client;
    this.onStep = onStep;
  }

  /** Trains to the end of the plan, leaves the shards and returns the totals. */
  public TrainingReport run() throws InterruptedException, ExecutionException {
    Model model = workload.model();
    int p = Math.toIntExact(model.layout().numParams());
    float[] params = new float[p];
    float[] grad = new float[p];
    model.initialize(params, config.seed());
    client.join(params, config.connectTimeoutSeconds()).get();

    Batcher batcher = null;
    Batch batch;
    if (workload.hasTrainingData()) {
      Partition partition = Partition.of(workload.train().size(), config.rank(), config.workers());
      batcher = new Batcher(workload.train(), partition, config.batchSize(), config.seed());
      batch = batcher.newBatch();
    } else {
      batch = new Batch(1, 0, 0);
      batch.setSize(1);
    }
    long total = TrainingPlan.totalSteps(config.epochs(), config.steps(), batcher == null ? 0 : batcher.stepsPerEpoch());
    SplittableRandom delays = new SplittableRandom(config.seed() * 1_000_003L + config.rank());

    long start = System.currentTimeMillis();
    long samples = 0;
    double loss = Double.NaN;
    double stalenessSum = 0;
    long maxStaleness = 0;
    long dropped = 0;
    long rejoins = 0;
    int failedInARow = 0;
    for (long step = 0; step < total; step++) {
      int epoch = (int) step;
      if (batcher != null) {
        batcher.nextAcrossEpochs(batch);
        epoch = batcher.epoch();
      }
      long t0 = System.nanoTime();
      loss = model.lossAndGradient(params, batch, grad);
      if (!Double.isFinite(loss)) {
        throw new IllegalStateException(
            "training diverged: worker " + config.rank() + " computed loss " + loss + " at step " + step
                + " (try a smaller --lr)");
      }
      simulateSlowness(System.nanoTime() - t0, delays);
      long t1 = System.nanoTime();
      PushResult result;
      try {
        result = client.pushPull(grad, (float) loss, batch.size(), step, params).get();
      } catch (ExecutionException e) {
        Status status = Status.fromThrowable(e.getCause());
        if (!recoverable(status) || ++failedInARow > MAX_RECOVERIES) {
          throw e;
        }
        log.warn("worker {}: step {} failed ({}: {}); joining the shards again", config.rank(), step,
            status.getCode(), status.getDescription());
        client.join(params, config.connectTimeoutSeconds()).get();
        rejoins++;
        continue;
      }
      failedInARow = 0;
      long t2 = System.nanoTime();
      samples += batch.size();
      stalenessSum += result.maxStaleness();
      maxStaleness = Math.max(maxStaleness, result.maxStaleness());
      if (result.anyDropped()) {
        dropped++;
      }
      Evaluation eval = endOfEpoch(batcher, step, total) ? evaluate(params) : null;
      onStep.accept(
          new StepRecord(System.currentTimeMillis(), config.rank(), step, epoch, loss, result.maxStaleness(),
              result.maxStepLag(), result.anyDropped(), batch.size(), t1 - t0, t2 - t1,
              eval == null ? Double.NaN : eval.loss(), eval == null ? Double.NaN : eval.accuracy()));
      if (config.crashAtStep() != null && step == config.crashAtStep()) {
        log.error("worker {}: crashing on purpose after step {} (--crash-at-step)", config.rank(), step);
        Runtime.getRuntime().halt(137);
      }
    }
    client.leave().get();
    return new TrainingReport(
        config.rank(), total, samples, start, System.currentTimeMillis(), loss, total == 0 ? 0 : stalenessSum / total,
        maxStaleness, dropped, rejoins);
  }

  private static boolean recoverable(Status status) {
    return status.getCode() == Status.Code.ABORTED || status.getCode() == Status.Code.NOT_FOUND
        || status.getCode() == Status.Code.UNAVAILABLE;
  }

  /** The last step of an epoch (or of training), when the designated evaluator evaluates. */
  private boolean endOfEpoch(Batcher batcher, long step, long total) {
    return batcher != null && ((step + 1) % batcher.stepsPerEpoch() == 0 || step + 1 == total);
  }

  /**
   * Test loss and accuracy of {@code params}, the shards' parameters as this worker just received
   * them; null unless this worker evaluates and the model is a classifier with a test set.
   */
  private Evaluation evaluate(float[] params) {
    if (!config.evaluate() || !(workload.model() instanceof Classifier classifier) || !workload.hasTestData()) {
      return null;
    }
    Evaluation e = classifier.evaluate(params, workload.test());
    log.info("worker {}: test loss {} accuracy {} ({} examples)", config.rank(),
        String.format(java.util.Locale.ROOT, "%.4f", e.loss()), String.format(java.util.Locale.ROOT, "%.4f", e.accuracy()),
        e.examples());
    return e;
  }

  /** A straggler on demand: stretch this step's compute by the slowdown factor, then add the delay. */
  private void simulateSlowness(long computeNanos, SplittableRandom delays) throws InterruptedException {
    double extraMillis = (config.slowdown() - 1) * computeNanos / 1e6 + config.slowdown() * config.delay().nextMillis(delays);
    if (extraMillis > 0) {
      long nanos = (long) (extraMillis * 1e6);
      Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
    }
  }
}
