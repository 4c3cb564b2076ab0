package io.impetus.staleness;

/**
 * What a shard will do with one gradient: the learning rate and momentum to apply it with, or drop
 * it. The shard resets it for every gradient and a {@link StalenessPolicy} adjusts it; one instance
 * is reused by a shard's update thread, so deciding allocates nothing.
 */
public final class UpdatePlan {
  private double lr;
  private double momentum;
  private boolean drop;

  /** Starts a new decision from the schedule's learning rate and the configured momentum. */
  public void reset(double lr, double momentum) {
    this.lr = lr;
    this.momentum = momentum;
    this.drop = false;
  }

  public double lr() {
    return lr;
  }

  public double momentum() {
    return momentum;
  }

  public boolean drop() {
    return drop;
  }

  public void setLr(double lr) {
    this.lr = lr;
  }

  public void setMomentum(double momentum) {
    this.momentum = momentum;
  }

  /** The gradient will not be applied. */
  public void dropGradient() {
    this.drop = true;
  }
}
