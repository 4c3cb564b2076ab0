package io.impetus.shard;

import io.impetus.optim.GradNormClip;
import io.impetus.optim.Optimizer;
import io.impetus.optim.OptimizerConfig;
import io.impetus.optim.OptimizerState;
import io.impetus.optim.Optimizers;
import io.impetus.optim.Sgd;
import io.impetus.optim.UpdateUndo;
import io.impetus.staleness.MomentumCompensation;
import io.impetus.staleness.StalenessPolicy;
import io.impetus.staleness.StalenessRecorder;
import io.impetus.staleness.UpdatePlan;

/**
 * Applies gradients to one slice exactly as a shard does: the learning rate from the schedule at
 * the current version, the staleness policy's adjustment (or drop), the optional gradient clipping,
 * then the optimizer; a shard's updater also refuses an update that would leave a non-finite
 * parameter or optimizer value (the slice and its state then stay exactly as they were), while the
 * study's simulator lets a diverging run diverge, since that is what it measures. Owns the
 * optimizer state, the version (updates applied) and the staleness record of applied gradients.
 * The parameter server's shards and the study's simulator both update through this class, so a
 * simulated run sees the same arithmetic as a real one.
 *
 * <p>Not thread-safe: one thread (a shard's update loop, the simulator) drives it. Allocates
 * nothing per update (the {@link UpdateUndo} is allocated on the first one and reused).
 */
public final class SliceUpdater {
  /** What became of one gradient. */
  public enum Outcome {
    /** It updated the slice. */
    APPLIED,
    /** The staleness policy dropped it. */
    DROPPED,
    /** The update would have made a parameter or an optimizer value NaN or infinite: nothing changed. */
    NON_FINITE;

    /** Whether it updated the slice. */
    public boolean applied() {
      return this == APPLIED;
    }
  }

  private final OptimizerConfig config;
  private final Optimizer optimizer;
  private final OptimizerState state;
  private final StalenessPolicy policy;
  private final UpdatePlan plan = new UpdatePlan();
  private final StalenessRecorder staleness;
  private final UpdateUndo undo = new UpdateUndo();
  private GradNormClip clip = GradNormClip.NONE;
  private boolean refuseNonFinite;
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
   * Clips each gradient to an L2 norm of at most {@code clip}'s bound before the optimizer sees it
   * (per slice: see {@link GradNormClip}). Call before the first update.
   */
  public SliceUpdater clipping(GradNormClip clip) {
    this.clip = clip;
    return this;
  }

  /**
   * Refuses every update that would make a parameter or an optimizer value NaN or infinite (see
   * {@link Optimizer#stepIfFinite}), as a shard must; without it an update is applied whatever it
   * yields. Call before the first update.
   */
  public SliceUpdater refusingNonFinite() {
    this.refuseNonFinite = true;
    return this;
  }

  /**
   * Applies {@code grad}, computed from the parameters {@code staleness} updates ago, unless the
   * policy drops it or the update would leave a non-finite value. May rewrite {@code grad} (delay
   * compensation, clipping).
   *
   * @param readParams the slice the gradient was computed from, or null (only dc-asgd uses it)
   * @return what became of the gradient; only an applied one moves the version and is recorded
   */
  public Outcome apply(float[] params, float[] grad, long staleness, float[] readParams) {
    plan.reset(currentLr(), config.momentum());
    policy.adjust(plan, staleness, grad, params, readParams, this.staleness.mean());
    if (plan.drop()) {
      return Outcome.DROPPED;
    }
    if (!step(params, grad)) {
      return Outcome.NON_FINITE;
    }
    this.staleness.record(staleness);
    return Outcome.APPLIED;
  }

  /**
   * Applies {@code grad} of {@code count} fresh gradients averaged (a sync step): no policy applies.
   * May rewrite {@code grad} (clipping).
   *
   * @return {@link Outcome#APPLIED}, or {@link Outcome#NON_FINITE} when the update was refused
   */
  public Outcome applyFresh(float[] params, float[] grad, int count) {
    plan.reset(currentLr(), config.momentum());
    if (!step(params, grad)) {
      return Outcome.NON_FINITE;
    }
    for (int i = 0; i < count; i++) {
      staleness.record(0);
    }
    return Outcome.APPLIED;
  }

  /** Clips, then runs the optimizer (refusing a non-finite result if asked to); counts a version if applied. */
  private boolean step(float[] params, float[] grad) {
    clip.clip(grad);
    boolean applied = true;
    boolean ownMomentum = plan.momentum() != config.momentum() && optimizer instanceof Sgd;
    if (refuseNonFinite && ownMomentum) {
      applied = ((Sgd) optimizer).stepIfFinite(params, grad, state, plan.lr(), plan.momentum(), undo);
    } else if (refuseNonFinite) {
      applied = optimizer.stepIfFinite(params, grad, state, plan.lr(), undo);
    } else if (ownMomentum) {
      ((Sgd) optimizer).step(params, grad, state, plan.lr(), plan.momentum());
    } else {
      optimizer.step(params, grad, state, plan.lr());
    }
    if (applied) {
      lastMomentum = plan.momentum();
      version++;
    }
    return applied;
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
