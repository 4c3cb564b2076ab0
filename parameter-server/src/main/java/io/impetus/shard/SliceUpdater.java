package io.impetus.shard;

import io.impetus.optim.Optimizer;
import io.impetus.optim.OptimizerConfig;
import io.impetus.optim.OptimizerState;
import io.impetus.optim.Optimizers;
import io.impetus.optim.Sgd;
import io.impetus.staleness.MomentumCompensation;
import io.impetus.staleness.StalenessPolicy;
import io.impetus.staleness.StalenessRecorder;
import io.impetus.staleness.UpdatePlan;

/**
 * Applies gradients to one slice exactly as a shard does: the learning rate from the schedule at
 * the current version, the staleness policy's adjustment (or drop), then the optimizer. Owns the
 * optimizer state, the version (updates applied) and the staleness record of applied gradients.
 * The parameter server's shards and the study's simulator both update through this class, so a
 * simulated run sees the same arithmetic as a real one.
 *
 * <p>Not thread-safe: one thread (a shard's update loop, the simulator) drives it. Allocates
 * nothing per update.
 */
public final class SliceUpdater {
  private final OptimizerConfig config;
  private final Optimizer optimizer;
  private final OptimizerState state;
  private final StalenessPolicy policy;
  private final UpdatePlan plan = new UpdatePlan();
  private final StalenessRecorder staleness;
  private long version;
  private double lastMomentum;

  /** An updater for a slice of {@code length} values. */
  public SliceUpdater(OptimizerConfig config, StalenessPolicy policy, int length) {
    this(config, policy, Optimizers.create(config).newState(length), 0, new StalenessRecorder(), config.momentum());
  }

  /**
   * An updater that resumes where a checkpoint left off.
   *
   * @param state the optimizer state (used as is)
   * @param version updates applied so far, which is also the schedule's position
   * @param staleness the staleness record of the updates applied so far (used as is)
   * @param lastMomentum the momentum the last update used
   */
  public SliceUpdater(OptimizerConfig config, StalenessPolicy policy, OptimizerState state, long version,
      StalenessRecorder staleness, double lastMomentum) {
    if (policy instanceof MomentumCompensation && (config.kind() != io.impetus.optim.OptimizerKind.SGD
        || config.momentum() <= 0)) {
      throw new IllegalArgumentException("momentum-compensation needs sgd with momentum > 0");
    }
    if (version < 0) {
      throw new IllegalArgumentException("version must be >= 0, got " + version);
    }
    this.config = config;
    this.optimizer = Optimizers.create(config);
    this.state = state;
    this.policy = policy;
    this.version = version;
    this.staleness = staleness;
    this.lastMomentum = lastMomentum;
  }

  /**
   * Applies {@code grad}, computed from the parameters {@code staleness} updates ago, unless the
   * policy drops it. May rewrite {@code grad} (delay compensation).
   *
   * @param readParams the slice the gradient was computed from, or null (only dc-asgd uses it)
   * @return whether the gradient was applied
   */
  public boolean apply(float[] params, float[] grad, long staleness, float[] readParams) {
    plan.reset(currentLr(), config.momentum());
    policy.adjust(plan, staleness, grad, params, readParams, this.staleness.mean());
    if (plan.drop()) {
      return false;
    }
    step(params, grad);
    this.staleness.record(staleness);
    return true;
  }

  /** Applies {@code grad} of {@code count} fresh gradients averaged (a sync step): no policy applies. */
  public void applyFresh(float[] params, float[] grad, int count) {
    plan.reset(currentLr(), config.momentum());
    step(params, grad);
    for (int i = 0; i < count; i++) {
      staleness.record(0);
    }
  }

  private void step(float[] params, float[] grad) {
    if (plan.momentum() != config.momentum() && optimizer instanceof Sgd sgd) {
      sgd.step(params, grad, state, plan.lr(), plan.momentum());
    } else {
      optimizer.step(params, grad, state, plan.lr());
    }
    lastMomentum = plan.momentum();
    version++;
  }

  /** Updates applied so far. */
  public long version() {
    return version;
  }

  /**
   * The learning-rate schedule's position: how many updates it has counted. The schedule runs over
   * the version, so this equals {@link #version}; a checkpoint records it on its own so that the
   * format need not change if a schedule ever counts something else.
   */
  public long schedulePosition() {
    return version;
  }

  /** The learning rate the next update will start from (before the policy). */
  public double currentLr() {
    return config.schedule().lrAt(config.lr(), version);
  }

  /** The momentum the last update used (momentum compensation lowers it). */
  public double lastMomentum() {
    return lastMomentum;
  }

  /** Staleness of every applied gradient (a sync step counts each of its gradients). */
  public StalenessRecorder staleness() {
    return staleness;
  }

  /** The optimizer state (velocity, moments) of the slice. */
  public OptimizerState state() {
    return state;
  }

  public StalenessPolicy policy() {
    return policy;
  }
}
