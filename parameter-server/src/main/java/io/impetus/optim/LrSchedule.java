package io.impetus.optim;

import java.util.Locale;

/**
 * A learning-rate schedule over the shard's update count (its version).
 *
 * <ul>
 *   <li>{@code CONSTANT}: lr at every step.
 *   <li>{@code STEP}: lr * gamma^floor(t / stepEvery).
 *   <li>{@code COSINE}: linear warmup from lr/warmup to lr over the first {@code warmupSteps}
 *       updates, then cosine decay from lr to {@code minLr} at {@code totalSteps}; minLr after that.
 * </ul>
 *
 * @param kind which schedule
 * @param stepEvery for STEP: updates between decays
 * @param gamma for STEP: the decay factor
 * @param warmupSteps for COSINE: length of the linear warmup (0 for none)
 * @param totalSteps for COSINE: the update at which the decay reaches minLr
 * @param minLr for COSINE: the final learning rate
 */
public record LrSchedule(Kind kind, long stepEvery, double gamma, long warmupSteps, long totalSteps, double minLr) {

  /** The schedule families. */
  public enum Kind {
    CONSTANT,
    STEP,
    COSINE;

    /** The command-line name. */
    public String cliName() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a command-line name. */
    public static Kind parse(String name) {
      for (Kind kind : values()) {
        if (kind.cliName().equals(name)) {
          return kind;
        }
      }
      throw new IllegalArgumentException("unknown lr schedule '" + name + "' (expected constant, step or cosine)");
    }
  }

  /** Validates the parameters that the chosen kind uses. */
  public LrSchedule {
    if (kind == Kind.STEP && stepEvery < 1) {
      throw new IllegalArgumentException("step schedule needs --lr-step-every >= 1, got " + stepEvery);
    }
    if (kind == Kind.STEP && !(gamma > 0)) {
      throw new IllegalArgumentException("step schedule needs --lr-gamma > 0, got " + gamma);
    }
    if (kind == Kind.COSINE && totalSteps < 1) {
      throw new IllegalArgumentException("cosine schedule needs --lr-total-steps >= 1, got " + totalSteps);
    }
    if (kind == Kind.COSINE && (warmupSteps < 0 || warmupSteps > totalSteps)) {
      throw new IllegalArgumentException(
          "cosine schedule needs 0 <= --lr-warmup-steps <= --lr-total-steps, got " + warmupSteps);
    }
  }

  /** The constant schedule. */
  public static LrSchedule constant() {
    return new LrSchedule(Kind.CONSTANT, 0, 1.0, 0, 0, 0.0);
  }

  /** Step decay by {@code gamma} every {@code every} updates. */
  public static LrSchedule step(long every, double gamma) {
    return new LrSchedule(Kind.STEP, every, gamma, 0, 0, 0.0);
  }

  /** Linear warmup then cosine decay to {@code minLr} at {@code total}. */
  public static LrSchedule cosine(long warmup, long total, double minLr) {
    return new LrSchedule(Kind.COSINE, 0, 1.0, warmup, total, minLr);
  }

  /** The learning rate for the update that follows {@code step} earlier updates (0-based). */
  public double lrAt(double baseLr, long step) {
    switch (kind) {
      case CONSTANT:
        return baseLr;
      case STEP:
        return baseLr * Math.pow(gamma, (double) (step / stepEvery));
      case COSINE:
        if (step < warmupSteps) {
          return baseLr * (step + 1) / warmupSteps;
        }
        if (step >= totalSteps) {
          return minLr;
        }
        double progress = (double) (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps);
        return minLr + 0.5 * (baseLr - minLr) * (1 + Math.cos(Math.PI * progress));
      default:
        throw new AssertionError(kind);
    }
  }

  /** A short description for logs, e.g. {@code step(every=100, gamma=0.5)}. */
  public String describe() {
    switch (kind) {
      case STEP:
        return "step(every=" + stepEvery + ", gamma=" + gamma + ")";
      case COSINE:
        return "cosine(warmup=" + warmupSteps + ", total=" + totalSteps + ", min_lr=" + minLr + ")";
      default:
        return "constant";
    }
  }
}
