package io.impetus.optim;

/**
 * Stochastic gradient descent with optional L2 weight decay, momentum in one of three conventions
 * ({@link MomentumStyle}) and Nesterov momentum.
 *
 * <p>With {@code d = g + wd*p} (L2, coupled) and {@code mu} the momentum:
 *
 * <ul>
 *   <li>{@link MomentumStyle#PYTORCH}: {@code v = d} on the first step, else
 *       {@code v = mu*v + (1-dampening)*d}; {@code p -= lr*v}, or {@code p -= lr*(d + mu*v)} with
 *       Nesterov. Bit-exact with {@code torch.optim.SGD} 1.13 on CPU float32.
 *   <li>{@link MomentumStyle#CLASSIC}: {@code v = mu*v + lr*d}; {@code p -= v}, or
 *       {@code p -= mu*v + lr*d} with Nesterov.
 *   <li>{@link MomentumStyle#EMA}: {@code v = mu*v + (1-mu)*d} from {@code v = 0};
 *       {@code p -= lr*v}, or {@code p -= lr*((1-mu)*d + mu*v)} with Nesterov.
 * </ul>
 *
 * With momentum 0 all styles are plain SGD ({@code p -= lr*d}) and the state has no buffer.
 * Stateless apart from the configuration, so one instance may serve many slices.
 */
public final class Sgd implements Optimizer {

  private final OptimizerConfig config;
  private final boolean hasMomentum;
  private final boolean nesterov;
  // Python scalars become float32 before they touch a tensor, so the kernels see these values.
  private final float oneMinusDampening;
  private final float wd;

  /** An SGD optimizer for {@code config}, whose kind must be {@link OptimizerKind#SGD}. */
  public Sgd(OptimizerConfig config) {
    if (config.kind() != OptimizerKind.SGD) {
      throw new IllegalArgumentException("Sgd needs an sgd config, got " + config.kind().cliName());
    }
    this.config = config;
    this.hasMomentum = config.momentum() != 0;
    this.nesterov = config.nesterov();
    this.oneMinusDampening = (float) (1 - config.dampening()); // 1 - dampening is computed in double by Python
    this.wd = (float) config.weightDecay();
  }

  @Override
  public SgdState newState(int length) {
    return SgdState.zeros(length, hasMomentum);
  }

  @Override
  public OptimizerConfig config() {
    return config;
  }

  @Override
  public void step(float[] params, float[] grad, OptimizerState state, double lr) {
    step(params, grad, state, lr, config.momentum());
  }

  @Override
  public boolean stepIfFinite(float[] params, float[] grad, OptimizerState state, double lr, UpdateUndo undo) {
    return stepIfFinite(params, grad, state, lr, config.momentum(), undo);
  }

  /**
   * One update with momentum {@code momentum} in place of the configured one, for policies that
   * tune momentum during training (the configured momentum must be non-zero, so the state has a
   * velocity buffer; a momentum of 0 here still updates the buffer, with the current gradient).
   */
  public void step(float[] params, float[] grad, OptimizerState state, double lr, double momentum) {
    update(params, grad, checkedState(params, grad, state, lr, momentum), lr, momentum, null);
  }

  /** As {@link #step(float[], float[], OptimizerState, double, double)}, refused as {@link #stepIfFinite} is. */
  public boolean stepIfFinite(float[] params, float[] grad, OptimizerState state, double lr, double momentum,
      UpdateUndo undo) {
    SgdState s = checkedState(params, grad, state, lr, momentum);
    undo.prepare(params.length, hasMomentum ? 1 : 0);
    return update(params, grad, s, lr, momentum, undo);
  }

  /**
   * One pass over the slice. With an {@code undo}, each element's new values are checked before they
   * are stored, and the first non-finite one restores the elements already written and refuses the
   * update; the step count advances only once the whole slice is written.
   */
  private boolean update(float[] params, float[] grad, SgdState s, double lr, double momentum, UpdateUndo undo) {
    float lrf = (float) lr; // torch rounds the Python lr to float32 (alpha=-lr)
    float mu = (float) momentum;
    float[] v = s.velocity();
    boolean applied;
    if (!hasMomentum) {
      applied = plainStep(params, grad, lrf, undo);
    } else if (config.momentumStyle() == MomentumStyle.PYTORCH) {
      applied = pytorchStep(params, grad, v, lrf, mu, s.steps() == 0, undo);
    } else if (config.momentumStyle() == MomentumStyle.CLASSIC) {
      applied = classicStep(params, grad, v, lrf, mu, undo);
    } else {
      applied = emaStep(params, grad, v, lrf, mu, (float) (1 - momentum), undo);
    }
    if (applied) {
      s.advance();
    }
    return applied;
  }

  /** {@code d = g + wd*p}; torch skips the add when wd is 0, which keeps the sign of a zero gradient. */
  private float decayed(float g, float p) {
    return wd != 0 ? Math.fma(wd, p, g) : g;
  }

  private boolean plainStep(float[] p, float[] g, float lr, UpdateUndo undo) {
    for (int i = 0; i < p.length; i++) {
      float pi = Math.fma(-lr, decayed(g[i], p[i]), p[i]); // param.add_(d_p, alpha=-lr)
      if (undo != null && !keep(undo, i, p, pi, null, 0)) {
        return false;
      }
      p[i] = pi;
    }
    return true;
  }

  /** torch's order of operations; every {@code add_(y, alpha=a)} is one fused multiply-add, as in its kernel. */
  private boolean pytorchStep(float[] p, float[] g, float[] v, float lr, float mu, boolean first, UpdateUndo undo) {
    for (int i = 0; i < p.length; i++) {
      float d = decayed(g[i], p[i]);
      float buf = first ? d : Math.fma(oneMinusDampening, d, v[i] * mu); // buf.mul_(mu).add_(d, 1-dampening)
      float dir = nesterov ? Math.fma(mu, buf, d) : buf; // d_p.add(buf, alpha=mu) uses the updated buf
      float pi = Math.fma(-lr, dir, p[i]);
      if (undo != null && !keep(undo, i, p, pi, v, buf)) {
        return false;
      }
      v[i] = buf;
      p[i] = pi;
    }
    return true;
  }

  /** The buffer holds lr-scaled steps, so an lr change only affects new gradients. */
  private boolean classicStep(float[] p, float[] g, float[] v, float lr, float mu, UpdateUndo undo) {
    for (int i = 0; i < p.length; i++) {
      float d = decayed(g[i], p[i]);
      float buf = Math.fma(lr, d, v[i] * mu);
      float pi = p[i] - (nesterov ? Math.fma(mu, buf, lr * d) : buf);
      if (undo != null && !keep(undo, i, p, pi, v, buf)) {
        return false;
      }
      v[i] = buf;
      p[i] = pi;
    }
    return true;
  }

  /** The buffer is an average of d on the gradient's scale, so lr applies to the whole history at use time. */
  private boolean emaStep(float[] p, float[] g, float[] v, float lr, float mu, float oneMinusMu, UpdateUndo undo) {
    for (int i = 0; i < p.length; i++) {
      float d = decayed(g[i], p[i]);
      float buf = Math.fma(oneMinusMu, d, v[i] * mu);
      float dir = nesterov ? Math.fma(mu, buf, oneMinusMu * d) : buf;
      float pi = Math.fma(-lr, dir, p[i]);
      if (undo != null && !keep(undo, i, p, pi, v, buf)) {
        return false;
      }
      v[i] = buf;
      p[i] = pi;
    }
    return true;
  }

  /**
   * Before element {@code i} is overwritten with parameter {@code pi} and velocity {@code buf} (v is
   * null for plain SGD, buf then ignored): saves its old values, or, if a new one is not finite,
   * restores elements {@code [0, i)} and returns false.
   */
  private static boolean keep(UpdateUndo undo, int i, float[] p, float pi, float[] v, float buf) {
    if (UpdateUndo.nonFinite(pi, buf)) {
      return undo.restore(i, p, v, null, null);
    }
    undo.params[i] = p[i];
    if (v != null) {
      undo.first[i] = v[i];
    }
    return true;
  }

  private SgdState checkedState(float[] params, float[] grad, OptimizerState state, double lr, double momentum) {
    if (!(momentum >= 0 && momentum < 1)) {
      throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
    }
    StepChecks.sameLength(params, grad);
    StepChecks.learningRate(lr);
    SgdState s = StepChecks.stateOf(SgdState.class, state, "Sgd");
    float[] v = s.velocity();
    if (hasMomentum && v == null) {
      throw new IllegalArgumentException("momentum " + config.momentum() + " needs a state with a velocity buffer");
    }
    if (v != null) {
      StepChecks.bufferLength(SgdState.VELOCITY, v, params.length);
    }
    return s;
  }
}
