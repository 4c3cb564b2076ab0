package io.impetus.optim;

/**
 * Adam ({@link OptimizerKind#ADAM}, L2 decay added to the gradient) and AdamW
 * ({@link OptimizerKind#ADAMW}, decoupled decay {@code p *= 1 - lr*wd} applied first), both with
 * optional AMSGrad. Follows {@code torch.optim.Adam}/{@code AdamW} 1.13 ({@code foreach=False}) bit
 * for bit on CPU float32:
 *
 * <pre>
 * m = b1*m + (1-b1)*g ;  v = b2*v + (1-b2)*g*g ;  vmax = max(vmax, v) with AMSGrad
 * p = p + (-(lr/(1-b1^t)) * m) / (sqrt(v or vmax) / sqrt(1-b2^t) + eps)
 * </pre>
 *
 * Bias corrections and the step size are computed in double and rounded to float once, as Python
 * does; an lr change takes effect at once through the step size, the moments are not rescaled.
 * Stateless apart from the configuration, so one instance may serve many slices.
 */
public final class Adam implements Optimizer {

  private final OptimizerConfig config;
  private final boolean decoupled;
  private final boolean amsgrad;
  // The float32 values torch's kernels see for the Python scalars.
  private final float b1;
  private final float b2;
  private final float oneMinusB1;
  private final float oneMinusB2;
  private final float eps;
  private final float wd;

  /** An Adam or AdamW optimizer for {@code config}. */
  public Adam(OptimizerConfig config) {
    if (config.kind() != OptimizerKind.ADAM && config.kind() != OptimizerKind.ADAMW) {
      throw new IllegalArgumentException("Adam needs an adam or adamw config, got " + config.kind().cliName());
    }
    this.config = config;
    this.decoupled = config.kind() == OptimizerKind.ADAMW;
    this.amsgrad = config.amsgrad();
    this.b1 = (float) config.beta1();
    this.b2 = (float) config.beta2();
    this.oneMinusB1 = (float) (1 - config.beta1());
    this.oneMinusB2 = (float) (1 - config.beta2());
    this.eps = (float) config.eps();
    this.wd = (float) config.weightDecay();
  }

  @Override
  public AdamState newState(int length) {
    return AdamState.zeros(length, amsgrad);
  }

  @Override
  public OptimizerConfig config() {
    return config;
  }

  @Override
  public void step(float[] params, float[] grad, OptimizerState state, double lr) {
    update(params, grad, checkedState(params, grad, state, lr), lr, null);
  }

  @Override
  public boolean stepIfFinite(float[] params, float[] grad, OptimizerState state, double lr, UpdateUndo undo) {
    AdamState s = checkedState(params, grad, state, lr);
    undo.prepare(params.length, amsgrad ? 3 : 2);
    return update(params, grad, s, lr, undo);
  }

  /**
   * One pass over the slice. With an {@code undo}, each element's new values are checked before they
   * are stored, and the first non-finite one restores the elements already written and refuses the
   * update; the step count advances only once the whole slice is written.
   */
  private boolean update(float[] params, float[] grad, AdamState s, double lr, UpdateUndo undo) {
    long t = s.steps() + 1;
    float negStepSize = (float) -(lr / (1 - Math.pow(config.beta1(), t))); // value=-step_size
    float bc2Sqrt = (float) Math.sqrt(1 - Math.pow(config.beta2(), t));
    float decay = (float) (1 - lr * config.weightDecay()); // AdamW only
    float[] m = s.expAvg();
    float[] v = s.expAvgSq();
    float[] vmax = s.maxExpAvgSq();
    for (int i = 0; i < params.length; i++) {
      float p = decoupled ? params[i] * decay : params[i];
      float g = !decoupled && wd != 0 ? Math.fma(wd, p, grad[i]) : grad[i]; // grad.add(param, alpha=wd)
      float mi = Math.fma(oneMinusB1, g, m[i] * b1); // exp_avg.mul_(b1).add_(g, alpha=1-b1)
      float vi = Math.fma(oneMinusB2 * g, g, v[i] * b2); // exp_avg_sq.mul_(b2).addcmul_(g, g, 1-b2)
      float vUsed = amsgrad ? Math.max(vmax[i], vi) : vi;
      float denom = (float) Math.sqrt(vUsed) / bc2Sqrt + eps; // eps after the bias correction
      float pi = p + (negStepSize * mi) / denom; // addcdiv_: one rounding per op, no fusion
      if (undo != null) {
        if (UpdateUndo.nonFinite(pi, mi, vi, vUsed)) {
          return undo.restore(i, params, m, v, vmax);
        }
        undo.params[i] = params[i];
        undo.first[i] = m[i];
        undo.second[i] = v[i];
        if (amsgrad) {
          undo.third[i] = vmax[i];
        }
      }
      m[i] = mi;
      v[i] = vi;
      if (amsgrad) {
        vmax[i] = vUsed;
      }
      params[i] = pi;
    }
    s.advance();
    return true;
  }

  private AdamState checkedState(float[] params, float[] grad, OptimizerState state, double lr) {
    StepChecks.sameLength(params, grad);
    StepChecks.learningRate(lr);
    AdamState s = StepChecks.stateOf(AdamState.class, state, "Adam");
    StepChecks.bufferLength(AdamState.EXP_AVG, s.expAvg(), params.length);
    StepChecks.bufferLength(AdamState.EXP_AVG_SQ, s.expAvgSq(), params.length);
    if (amsgrad && s.maxExpAvgSq() == null) {
      throw new IllegalArgumentException("amsgrad needs a state with a max_exp_avg_sq buffer");
    }
    if (amsgrad) {
      StepChecks.bufferLength(AdamState.MAX_EXP_AVG_SQ, s.maxExpAvgSq(), params.length);
    }
    return s;
  }
}
