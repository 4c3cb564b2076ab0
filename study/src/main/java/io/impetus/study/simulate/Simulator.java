package io.impetus.study.simulate;

import io.impetus.data.Batch;
import io.impetus.data.Batcher;
import io.impetus.data.Partition;
import io.impetus.model.Model;
import io.impetus.model.Workload;
import io.impetus.optim.OptimizerState;
import io.impetus.optim.SgdState;
import io.impetus.shard.SliceUpdater;
import io.impetus.staleness.StalenessPolicy;
import io.impetus.study.delay.DelayScheduler;
import io.impetus.study.delay.Delays;
import java.util.SplittableRandom;

/**
 * Asynchronous training in one process: the real optimizer and the real model, with the staleness
 * of every gradient drawn from a {@link DelayScheduler}.
 *
 * <p>At update t it draws τ_t (clipped to t), computes the model's gradient at the parameters of
 * update t − τ_t (kept in a ring buffer of the last maxDelay + 1 vectors), adds seeded Gaussian noise
 * if asked, and hands it to a {@link SliceUpdater}, the class a shard applies gradients with: the
 * learning rate from the schedule at the current version, the staleness policy (lr-divide, drop:K,
 * dc-asgd with the delayed iterate as the parameters the gradient was read at, momentum
 * compensation), then the optimizer. So server-side momentum and the policies see the delayed
 * gradients as they would in a real run.
 *
 * <p>An update slot is one gradient <em>arrival</em>: a gradient the policy drops still costs its
 * slot (the compute was spent) and leaves the parameters as they were. The staleness the policy
 * sees is counted in applied updates, as a shard counts it, so after drops it can be smaller than
 * the drawn delay τ (which counts arrivals).
 *
 * <p>Deterministic: the delays, the noise and the minibatch order come from separate streams split
 * off one {@link SplittableRandom} seeded with the config's seed, so the same config gives the same
 * numbers bit for bit. The loop allocates nothing per step.
 *
 * <p>With a {@link Probe} ({@link #run(SimulationConfig, Probe)}) the exact training loss after every
 * update is replaced by the probe: the trajectory's loss holds the probe's value at the updates it
 * observed and NaN elsewhere, divergence is judged from the parameter norm and the minibatch loss,
 * and the run stops early once the probe says it is done. Delays, ring buffer, policy and optimizer
 * are the same.
 */
public final class Simulator {
  /** Past this norm a run counts as diverged and stops, well before float32 overflows. */
  public static final double DIVERGENCE_BOUND = 1e30;

  private Simulator() {}

  /** Runs {@code config} to the end, or until it diverges. */
  public static Trajectory run(SimulationConfig config) {
    return run(config, null);
  }

  /** Runs {@code config}, observed by {@code probe} (null: the exact full-data loss after every update). */
  public static Trajectory run(SimulationConfig config, Probe probe) {
    if (probe != null && probe.every() < 1) {
      throw new IllegalArgumentException("a probe must observe every >= 1 updates, got " + probe.every());
    }
    DelayScheduler scheduler = Delays.parse(config.delay());
    StalenessPolicy policy = config.policy();
    Workload workload = config.problem().create();
    Model model = workload.model();
    int n = Math.toIntExact(model.layout().numParams());
    SliceUpdater updater = new SliceUpdater(config.optimizer(), policy, n);
    // One more slot when the policy reads the stale iterate after the next one is written: with
    // τ = maxDelay the stale slot would otherwise be the one the update overwrites.
    int depth = scheduler.maxDelay() + (policy.needsReadParams() ? 2 : 1);
    float[][] ring = new float[depth][n];
    long[] versionAt = new long[depth];
    model.initialize(ring[0], config.seed());
    float[] grad = new float[n];

    SplittableRandom root = new SplittableRandom(config.seed());
    SplittableRandom delayRng = root.split();
    SplittableRandom noiseRng = root.split();
    long batchSeed = root.nextLong();
    Batcher batcher = null;
    Batch batch = null;
    Batch full = null;
    if (workload.hasTrainingData()) {
      batcher = new Batcher(workload.train(), Partition.of(workload.train().size(), 0, 1), config.problem().batchSize(), batchSeed);
      batch = batcher.newBatch();
      if (probe == null || config.primedMomentum()) {
        full = workload.train().asBatch();
      }
    }

    OptimizerState state = updater.state();
    if (config.primedMomentum() && state instanceof SgdState sgd && sgd.velocity() != null) {
      // The buffer a run that had sat at x_0 forever would hold: the (noise-free) gradient at x_0.
      model.lossAndGradient(ring[0], full, sgd.velocity());
    }

    int steps = config.steps();
    double[] loss = new double[steps + 1];
    double[] norm = new double[steps + 1];
    int[] delays = new int[steps];
    int[] staleness = new int[steps];
    int dropped = 0;
    float[][] iterates = config.recordIterates() ? new float[steps + 1][] : null;
    loss[0] = probe == null ? model.loss(ring[0], full) : probe.observe(0, ring[0]);
    norm[0] = norm(ring[0]);
    if (iterates != null) {
      iterates[0] = ring[0].clone();
    }
    double noise = config.noise();
    int t = 0;
    boolean diverged = probe == null ? !Double.isFinite(loss[0]) : !(norm[0] <= DIVERGENCE_BOUND);
    boolean stopped = probe != null && probe.done();
    while (t < steps && !diverged && !stopped) {
      int tau = Math.min(scheduler.next(delayRng), t);
      float[] current = ring[t % depth];
      int staleSlot = (t - tau) % depth;
      float[] stale = ring[staleSlot];
      if (batcher != null) {
        batcher.nextAcrossEpochs(batch);
      }
      double batchLoss = model.lossAndGradient(stale, batch, grad);
      if (noise > 0) {
        for (int i = 0; i < n; i++) {
          grad[i] += (float) (noise * noiseRng.nextGaussian());
        }
      }
      int nextSlot = (t + 1) % depth;
      float[] next = ring[nextSlot];
      if (next != current) {
        System.arraycopy(current, 0, next, 0, n);
      }
      // Staleness as a shard measures it: updates applied since the read (dropped gradients apply none).
      long versions = updater.version() - versionAt[staleSlot];
      if (!updater.apply(next, grad, versions, stale).applied()) {
        dropped++;
      }
      versionAt[nextSlot] = updater.version();
      delays[t] = tau;
      staleness[t] = (int) versions;
      if (probe != null) {
        probe.minibatch(t, batchLoss);
      }
      t++;
      norm[t] = norm(next);
      if (probe == null) {
        loss[t] = norm[t] > DIVERGENCE_BOUND ? Double.POSITIVE_INFINITY : model.loss(next, full);
        diverged = !(norm[t] <= DIVERGENCE_BOUND) || !Double.isFinite(loss[t]);
      } else {
        diverged = !(norm[t] <= DIVERGENCE_BOUND) || !Double.isFinite(batchLoss);
        boolean observe = !diverged && (t % probe.every() == 0 || t == steps);
        loss[t] = observe ? probe.observe(t, next) : diverged ? Double.POSITIVE_INFINITY : Double.NaN;
        stopped = observe && probe.done();
      }
      if (iterates != null) {
        iterates[t] = next.clone();
      }
    }
    if (t < steps) {
      loss = java.util.Arrays.copyOf(loss, t + 1);
      norm = java.util.Arrays.copyOf(norm, t + 1);
      delays = java.util.Arrays.copyOf(delays, t);
      staleness = java.util.Arrays.copyOf(staleness, t);
    }
    return new Trajectory(loss, norm, delays, t, diverged, iterates, ring[t % depth].clone(), staleness, dropped,
        updater.lastMomentum());
  }

  private static double norm(float[] x) {
    double s = 0;
    for (float v : x) {
      s += (double) v * v;
    }
    return Math.sqrt(s);
  }
}
