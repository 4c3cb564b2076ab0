package io.impetus.optim;

/**
 * Scales a gradient down to an L2 norm of at most {@code maxNorm} before the optimizer sees it, with
 * the arithmetic of {@code torch.nn.utils.clip_grad_norm_}: the norm is summed in double, the
 * coefficient is {@code maxNorm / (norm + 1e-6)}, and it is applied (rounded to float once) only when
 * it is below 1.
 *
 * <p>A shard clips each slice on its own: the norm is that of the slice's part of the gradient, not
 * of the whole model's gradient as PyTorch's global {@code clip_grad_norm_} computes it. With several
 * shards a gradient may therefore be clipped on one shard and not on another, and its direction
 * changes; with one shard the two agree.
 *
 * <p>Immutable. Costs one read pass over the gradient to take the norm, plus a write pass when it
 * clips; {@link #NONE} costs nothing.
 *
 * @param maxNorm the norm it clips to, 0 for none
 */
public record GradNormClip(double maxNorm) {
  /** No clipping. */
  public static final GradNormClip NONE = new GradNormClip(0);

  /** PyTorch's guard against a zero norm. */
  private static final double NORM_EPS = 1e-6;

  /** @throws IllegalArgumentException naming {@code --clip-grad-norm} unless it is finite and >= 0 */
  public GradNormClip {
    if (!(maxNorm >= 0) || Double.isInfinite(maxNorm)) {
      throw new IllegalArgumentException("--clip-grad-norm must be a finite number > 0 (0 for none), got " + maxNorm);
    }
  }

  /** Clipping to {@code maxNorm} (0: none), validated as the constructor does. */
  public static GradNormClip of(double maxNorm) {
    return new GradNormClip(maxNorm);
  }

  /** Whether it clips at all. */
  public boolean enabled() {
    return maxNorm > 0;
  }

  /**
   * Scales {@code grad} in place if its L2 norm exceeds the bound.
   *
   * @return the coefficient applied, 1 when it was left alone
   */
  public double clip(float[] grad) {
    if (!enabled()) {
      return 1;
    }
    double sumSq = 0;
    for (float g : grad) {
      sumSq += (double) g * g;
    }
    double coef = maxNorm / (Math.sqrt(sumSq) + NORM_EPS);
    if (!(coef < 1)) {
      return 1;
    }
    float c = (float) coef;
    for (int i = 0; i < grad.length; i++) {
      grad[i] *= c;
    }
    return coef;
  }

  @Override
  public String toString() {
    return enabled() ? "clip-grad-norm " + maxNorm : "no clipping";
  }
}
