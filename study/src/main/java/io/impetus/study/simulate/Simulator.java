package io.impetus.study.simulate;

import io.impetus.data.Batch;
import io.impetus.data.Batcher;
import io.impetus.data.Partition;
import io.impetus.model.Model;
import io.impetus.model.Workload;
import io.impetus.optim.Optimizer;
import io.impetus.optim.OptimizerState;
import io.impetus.optim.Optimizers;
import io.impetus.optim.SgdState;
import io.impetus.study.delay.DelayScheduler;
import io.impetus.study.delay.Delays;
import java.util.SplittableRandom;

/**
 * Asynchronous training in one process: the real optimizer and the real model, with the staleness
 * of every gradient drawn from a {@link DelayScheduler}.
 *
 * <p>At update t it draws τ_t (clipped to t), computes the model's gradient at the parameters of
 * update t − τ_t (kept in a ring buffer of the last maxDelay + 1 vectors), adds seeded Gaussian noise
 * if asked, and applies {@code optimizer.step} to the current parameters. That is exactly what a
 * shard does with a stale gradient, so server-side momentum sees the delayed gradients as it would
 * in a real run.
 *
 * <p>Deterministic: the delays, the noise and the minibatch order come from separate streams split
 * off one {@link SplittableRandom} seeded with the config's seed, so the same config gives the same
 * numbers bit for bit. The loop allocates nothing per step.
 */
public final class Simulator {
  /** Past this norm a run counts as diverged and stops, well before float32 overflows. */
  public static final double DIVERGENCE_BOUND = 1e30;

  private Simulator() {}

  /** Runs {@code config} to the end, or until it diverges. */
  public static Trajectory run(SimulationConfig config) {
    DelayScheduler scheduler = Delays.parse(config.delay());
    Workload workload = config.problem().create();
    Model model = workload.model();
    Optimizer optimizer = Optimizers.create(config.optimizer());
    int n = Math.toIntExact(model.layout().numParams());
    int depth = scheduler.maxDelay() + 1;
    float[][] ring = new float[depth][n];
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
      full = workload.train().asBatch();
    }

    OptimizerState state = optimizer.newState(n);
    if (config.primedMomentum() && state instanceof SgdState sgd && sgd.velocity() != null) {
      // The buffer a run that had sat at x_0 forever would hold: the (noise-free) gradient at x_0.
      model.lossAndGradient(ring[0], full, sgd.velocity());
    }

    int steps = config.steps();
    double[] loss = new double[steps + 1];
    double[] norm = new double[steps + 1];
    int[] delays = new int[steps];
    float[][] iterates = config.recordIterates() ? new float[steps + 1][] : null;
    loss[0] = model.loss(ring[0], full);
    norm[0] = norm(ring[0]);
    if (iterates != null) {
      iterates[0] = ring[0].clone();
    }
    double noise = config.noise();
    int t = 0;
    boolean diverged = !Double.isFinite(loss[0]);
    while (t < steps && !diverged) {
      int tau = Math.min(scheduler.next(delayRng), t);
      float[] current = ring[t % depth];
      float[] stale = ring[(t - tau) % depth];
      if (batcher != null) {
        batcher.nextAcrossEpochs(batch);
      }
      model.lossAndGradient(stale, batch, grad);
      if (noise > 0) {
        for (int i = 0; i < n; i++) {
          grad[i] += (float) (noise * noiseRng.nextGaussian());
        }
      }
      float[] next = ring[(t + 1) % depth];
      if (next != current) {
        System.arraycopy(current, 0, next, 0, n);
      }
      optimizer.step(next, grad, state, config.optimizer().schedule().lrAt(config.optimizer().lr(), t));
      delays[t] = tau;
      t++;
      norm[t] = norm(next);
      loss[t] = norm[t] > DIVERGENCE_BOUND ? Double.POSITIVE_INFINITY : model.loss(next, full);
      if (iterates != null) {
        iterates[t] = next.clone();
      }
      diverged = !(norm[t] <= DIVERGENCE_BOUND) || !Double.isFinite(loss[t]);
    }
    if (t < steps) {
      loss = java.util.Arrays.copyOf(loss, t + 1);
      norm = java.util.Arrays.copyOf(norm, t + 1);
      delays = java.util.Arrays.copyOf(delays, t);
    }
    return new Trajectory(loss, norm, delays, t, diverged, iterates, ring[t % depth].clone());
  }

  private static double norm(float[] x) {
    double s = 0;
    for (float v : x) {
      s += (double) v * v;
    }
    return Math.sqrt(s);
  }
}
