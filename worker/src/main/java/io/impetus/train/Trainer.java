package io.impetus.train;

import io.grpc.Status;
import io.impetus.client.PushResult;
import io.impetus.client.Recovery;
import io.impetus.client.ShardedClient;
import io.impetus.data.Batch;
import io.impetus.data.Batcher;
import io.impetus.data.Partition;
import io.impetus.model.Classifier;
import io.impetus.model.Evaluation;
import io.impetus.model.Model;
import io.impetus.model.Workload;
import io.impetus.runtime.ProcessCpu;
import io.impetus.wire.Refusal;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker's training loop: join the shards (initializing them if first), then repeat: next
 * minibatch of this rank's partition, forward/backward, push the gradient to every shard at once,
 * receive the fresh parameters. The gradient and parameter arrays are allocated once.
 *
 * <p>Recovery: what a failed call means is decided by its status code and the shard's reason
 * ({@link Recovery}). When a shard says the worker must join again (ABORTED: its lease expired;
 * NOT_FOUND: the shard restarted and has no session for it; a key it does not hold, once), cannot be
 * reached or does not answer in time (UNAVAILABLE, DEADLINE_EXCEEDED: it is restarting), the worker
 * joins every shard again, waiting up to {@code --connect-timeout} (and, where its previous process's
 * session still holds its id, until that session's lease ends), then pushes the step's gradient once more as the same (worker, step), which
 * the shards' exactly-once bookkeeping makes safe (see {@link #retry}); a step that cannot be retried
 * is dropped (with {@code --overlap}, the failed step and the one computed meanwhile always are). A
 * restarted, empty shard is initialized from the worker's own copy of the parameters (the freshest
 * it received), so training continues with the shard's optimizer state reset rather than failing.
 * After {@value #MAX_RECOVERIES} consecutive failed steps the worker gives up.
 *
 * <p>With {@code --overlap} the worker computes step t's gradient while step t-1's push is in flight,
 * into a second parameter array: step t's gradient is then computed from parameters one reply older
 * than the freshest, and says so (its read versions are those of the parameters it was computed
 * from, so the shards measure the extra staleness). The time a step reports as push-pull wait is the
 * time the worker was actually blocked on it.
 */
public final class Trainer {
  private static final Logger log = LoggerFactory.getLogger(Trainer.class);
  static final int MAX_RECOVERIES = 5;
  /** The longest single wait before joining again where an old session holds this worker's id. */
  static final long MAX_JOIN_WAIT_MILLIS = 10_000;

  private final Workload workload;
  private final WorkerConfig config;
  private final ShardedClient client;
  private final Consumer<StepRecord> onStep;
  private final StalenessTrace trace;
  /** How the last failure was mended, until a step succeeds (a session mismatch twice in a row is fatal). */
  private Recovery lastRecovery;

  /** A trainer that reports every step to {@code onStep} (on the training thread). */
  public Trainer(Workload workload, WorkerConfig config, ShardedClient client, Consumer<StepRecord> onStep) {
    this(workload, config, client, onStep, null);
  }

  /**
   * As {@link #Trainer(Workload, WorkerConfig, ShardedClient, Consumer)}, also recording every update
   * the shards applied for this worker in {@code trace} (null: none). The caller closes the trace.
   */
  public Trainer(Workload workload, WorkerConfig config, ShardedClient client, Consumer<StepRecord> onStep,
      StalenessTrace trace) {
    this.workload = workload;
    this.config = config;
    this.client = client;
    this.onStep = onStep;
    this.trace = trace;
  }

  /** Trains to the end of the plan, leaves the shards and returns the totals. */
  public TrainingReport run() throws InterruptedException, ExecutionException {
    Model model = workload.model();
    int p = Math.toIntExact(model.layout().numParams());
    // params: the freshest parameters received, which the next gradient is computed from.
    // inFlight: where the reply to the push in flight lands; the same array unless overlapping.
    float[] params = new float[p];
    float[] inFlight = config.overlap() ? new float[p] : params;
    float[] grad = new float[p];
    model.initialize(params, config.seed());
    joinAtStart(params);
    long[] paramsVersions = client.versions();

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

    // The warm-up is the first fifth of the steps this process takes (a resumed worker starts later).
    Totals totals = new Totals(System.currentTimeMillis(), config.startStep() + (total - config.startStep()) / 5);
    double cpuAtStart = ProcessCpu.seconds();
    Pending pending = null;
    int failedInARow = 0;
    // Resuming: draw the earlier steps' batches unused, so every later batch is the one the
    // uninterrupted run would have drawn (each epoch's shuffle depends on seed, rank and epoch only).
    for (long skipped = 0; batcher != null && skipped < Math.min(config.startStep(), total); skipped++) {
      batcher.nextAcrossEpochs(batch);
    }
    for (long step = config.startStep(); step < total; step++) {
      int epoch = (int) step;
      if (batcher != null) {
        batcher.nextAcrossEpochs(batch);
        epoch = batcher.epoch();
      }
      long t0 = System.nanoTime();
      double loss = model.lossAndGradient(params, batch, grad);
      if (!Double.isFinite(loss)) {
        throw new IllegalStateException(
            "training diverged: worker " + config.rank() + " computed loss " + loss + " at step " + step
                + " (try a smaller --lr)");
      }
      simulateSlowness(System.nanoTime() - t0, delays);
      long computed = System.nanoTime();
      long[] basis = paramsVersions;
      Pending current = new Pending(step, epoch, loss, batch.size(), computed - t0, basis);
      if (config.overlap() && pending != null) {
        // Wait for the previous push; its reply holds fresher parameters than the ones this step's
        // gradient was computed from, so the next step computes from those while this one flies.
        Pending previous = pending;
        pending = null;
        PushResult result;
        try {
          result = previous.result.get();
        } catch (ExecutionException e) {
          rejoinOrThrow(e, previous.step, ++failedInARow, params);
          paramsVersions = client.versions();
          totals.rejoins++;
          continue; // this step's gradient was computed before the shards lost it: drop it too
        }
        failedInARow = 0;
        lastRecovery = null;
        float[] fresh = inFlight;
        inFlight = params;
        params = fresh;
        paramsVersions = result.versions();
        finish(previous, result, System.nanoTime() - computed, totals, batcher, total, params);
      }
      current.result = client.pushPull(grad, basis, (float) loss, batch.size(), step, inFlight);
      if (config.overlap()) {
        pending = current;
        continue;
      }
      PushResult result;
      try {
        result = current.result.get();
      } catch (ExecutionException e) {
        rejoinOrThrow(e, step, ++failedInARow, params);
        totals.rejoins++;
        result = retry(current, grad, inFlight);
        if (result == null) {
          paramsVersions = client.versions();
          continue;
        }
      }
      failedInARow = 0;
      lastRecovery = null;
      paramsVersions = result.versions();
      finish(current, result, System.nanoTime() - computed, totals, batcher, total, params);
    }
    if (pending != null) {
      long waitStart = System.nanoTime();
      PushResult result = pending.result.get(); // the last step: nothing left to recover for
      params = inFlight;
      finish(pending, result, System.nanoTime() - waitStart, totals, batcher, total, params);
    }
    List<String> dataPlanes = client.dataPlanes();
    leave(total, params);
    return new TrainingReport(
        config.rank(), total, totals.samples, totals.start, System.currentTimeMillis(), totals.loss,
        total == 0 ? 0 : totals.stalenessSum / total, totals.maxStaleness, totals.dropped, totals.rejoins,
        totals.steadySamplesPerSecond(), ProcessCpu.seconds() - cpuAtStart, ProcessHandle.current().pid(),
        dataPlanes);
  }

  /**
   * Rejoins every shard after a recoverable failure of {@code step}'s push (refreshing
   * {@code params}), or rethrows when the failure is not recoverable ({@link Recovery#FATAL}, or a
   * session mismatch again right after a rejoin) or has happened too often.
   */
  private void rejoinOrThrow(ExecutionException e, long step, int failedInARow, float[] params)
      throws ExecutionException, InterruptedException {
    Refusal refusal = Refusal.of(e.getCause());
    Recovery recovery = Recovery.of(refusal);
    boolean mismatchAgain = recovery == Recovery.REJOIN_ONCE && lastRecovery == Recovery.REJOIN_ONCE;
    if (recovery == Recovery.FATAL || mismatchAgain || failedInARow > MAX_RECOVERIES) {
      throw e;
    }
    lastRecovery = recovery;
    log.warn("worker {}: step {} failed ({}); joining the shards again", config.rank(), step, refusal);
    joinShards(params, failedInARow);
  }

  /** The first join: as every rejoin, it waits out an old session and joins again after a shard's failure. */
  private void joinAtStart(float[] params) throws ExecutionException, InterruptedException {
    joinShards(params, 0);
  }

  /**
   * Joins every shard. A shard that fails while this worker joins it (a crashed shard's connection
   * closing under the join or the shared-memory setup: UNAVAILABLE) is joined again, counting towards
   * the same bound of {@value #MAX_RECOVERIES} as failed steps (the next try waits for a new
   * connection, since calls wait for ready, so this is no busy loop). A shard where another session
   * still holds this worker's id (this worker's previous process, say) is joined again once that
   * session's lease has ended, as the shard says when; that wait does not count as a failure, but a
   * worker id held for much longer than a lease (another process with the same rank, heartbeating)
   * stops the worker with a message saying so.
   */
  private void joinShards(float[] params, int failedBefore) throws ExecutionException, InterruptedException {
    int failed = failedBefore;
    long waitedMillis = 0;
    long patienceMillis = TimeUnit.SECONDS.toMillis(config.connectTimeoutSeconds());
    for (int attempt = 1; ; attempt++) {
      try {
        client.join(params, config.connectTimeoutSeconds()).get();
        return;
      } catch (ExecutionException e) {
        Refusal refusal = Refusal.of(e.getCause());
        Recovery recovery = Recovery.of(refusal);
        if (recovery == Recovery.WAIT_AND_JOIN) {
          long retryAfter = refusal.metadataLong(Refusal.RETRY_AFTER_MILLIS, 1000);
          // Wait a little past the old lease's end, more with each try (its holder may still be active).
          long wait = Math.min(MAX_JOIN_WAIT_MILLIS, Math.max(50, retryAfter) + 50L * attempt);
          patienceMillis = Math.max(patienceMillis, 3 * retryAfter);
          if (waitedMillis + wait > patienceMillis) {
            throw new IllegalStateException("worker " + config.rank() + " cannot join: " + refusal.message()
                + "; it has waited " + waitedMillis + " ms, longer than the lease, so another process is probably"
                + " training as worker " + config.rank() + " (check --rank)");
          }
          log.warn("worker {}: {}; joining again in {} ms", config.rank(), refusal.message(), wait);
          Thread.sleep(wait);
          waitedMillis += wait;
          continue;
        }
        if (recovery == Recovery.FATAL || recovery == Recovery.REJOIN_ONCE || ++failed > MAX_RECOVERIES) {
          throw e;
        }
        log.warn("worker {}: joining the shards failed ({}); joining again", config.rank(), refusal);
      }
    }
  }

  /**
   * Leaves every shard. A shard that failed as the worker finished (it is restarting) is joined again
   * first, so that it too learns that this worker is done rather than waiting for its lease to expire.
   */
  private void leave(long total, float[] params) throws ExecutionException, InterruptedException {
    try {
      client.leave().get();
    } catch (ExecutionException e) {
      rejoinOrThrow(e, total, 1, params);
      client.leave().get();
    }
  }

  /**
   * After a rejoin, pushes the failed step's gradient again as the same (worker, step), so that no
   * shard misses it: a shard that had processed it before the failure answers the repeat without
   * applying it again (exactly-once), and a shard restored from a checkpoint of the version the
   * gradient was computed from applies it, in sync mode completing the round as if it had never
   * stopped. Returns null, the step dropped, when a shard came back older than that version (it would
   * refuse a gradient computed from parameters it no longer has) or when the retry fails too.
   */
  private PushResult retry(Pending step, float[] grad, float[] into) throws InterruptedException {
    long[] rejoined = client.versions();
    for (int s = 0; s < rejoined.length; s++) {
      if (rejoined[s] < step.readVersions[s]) {
        log.warn("worker {}: step {} dropped: shard {} came back at version {}, older than the gradient's {}",
            config.rank(), step.step, s, rejoined[s], step.readVersions[s]);
        return null;
      }
    }
    try {
      return client.pushPull(grad, step.readVersions, (float) step.loss, step.batchSize, step.step, into).get();
    } catch (ExecutionException e) {
      log.warn("worker {}: step {} dropped: its retry failed too ({})", config.rank(), step.step,
          Status.fromThrowable(e.getCause()).getCode());
      return null;
    }
  }

  /** Accounts for a step whose reply has arrived, evaluates at the end of an epoch, and reports it. */
  private void finish(Pending step, PushResult result, long waitNanos, Totals totals, Batcher batcher, long total,
      float[] params) {
    if (step.step == totals.warmUpSteps) {
      totals.steadyStartNanos = System.nanoTime();
      totals.samplesBeforeSteady = totals.samples;
    }
    totals.samples += step.batchSize;
    totals.loss = step.loss;
    totals.stalenessSum += result.maxStaleness();
    totals.maxStaleness = Math.max(totals.maxStaleness, result.maxStaleness());
    if (result.anyDropped()) {
      totals.dropped++;
    }
    if (trace != null) {
      trace.record(step.readVersions, result, step.step);
    }
    Evaluation eval = endOfEpoch(batcher, step.step, total) ? evaluate(params) : null;
    onStep.accept(
        new StepRecord(System.currentTimeMillis(), config.rank(), step.step, step.epoch, step.loss, result.maxStaleness(),
            result.maxStepLag(), result.anyDropped(), step.batchSize, step.computeNanos, waitNanos,
            eval == null ? Double.NaN : eval.loss(), eval == null ? Double.NaN : eval.accuracy()));
    if (config.crashAtStep() != null && step.step == config.crashAtStep()) {
      log.error("worker {}: crashing on purpose after step {} (--crash-at-step)", config.rank(), step.step);
      if (trace != null) {
        trace.flush(); // the updates applied so far did happen: keep their rows
      }
      Runtime.getRuntime().halt(137);
    }
  }

  /** A step whose gradient has been computed and pushed (or is about to be), until its reply is accounted for. */
  private static final class Pending {
    final long step;
    final int epoch;
    final double loss;
    final int batchSize;
    final long computeNanos;
    /** The shard versions of the parameters the gradient was computed from. */
    final long[] readVersions;
    CompletableFuture<PushResult> result;

    Pending(long step, int epoch, double loss, int batchSize, long computeNanos, long[] readVersions) {
      this.step = step;
      this.epoch = epoch;
      this.loss = loss;
      this.batchSize = batchSize;
      this.computeNanos = computeNanos;
      this.readVersions = readVersions;
    }
  }

  /** Running totals for the {@link TrainingReport}. */
  private static final class Totals {
    final long start;
    /** Steps before the steady-state window: the JVM is still compiling the hot code. */
    final long warmUpSteps;
    long steadyStartNanos;
    long samplesBeforeSteady;
    long samples;
    double loss = Double.NaN;
    double stalenessSum;
    long maxStaleness;
    long dropped;
    long rejoins;

    Totals(long start, long warmUpSteps) {
      this.start = start;
      this.warmUpSteps = warmUpSteps;
    }

    /** Samples per second from the end of the warm-up steps to now; NaN if there was no such window. */
    double steadySamplesPerSecond() {
      double seconds = (System.nanoTime() - steadyStartNanos) / 1e9;
      long steady = samples - samplesBeforeSteady;
      return warmUpSteps < 1 || steadyStartNanos == 0 || steady <= 0 || seconds <= 0 ? Double.NaN : steady / seconds;
    }
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
