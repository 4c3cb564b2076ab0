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

  /**
   * One update with momentum {@code momentum} in place of the configured one, for policies that
   * tune momentum during training (the configured momentum must be non-zero, so the state has a
   * velocity buffer; a momentum of 0 here still updates the buffer, with the current gradient).
   */
  public void step(float[] params, float[] grad, OptimizerState state, double lr, double momentum) {
    SgdState s = checkedState(params, grad, state, lr);
    if (!(momentum >= 0 && momentum < 1)) {
      throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
    }
    float lrf = (float) lr; // torch rounds the Python lr to float32 (alpha=-lr)
    float mu = (float) momentum;
    float[] v = s.velocity();
    if (!hasMomentum) {
      plainStep(params, grad, lrf);
    } else if (config.momentumStyle() == MomentumStyle.PYTORCH) {
      pytorchStep(params, grad, v, lrf, mu, s.steps() == 0);
    } else if (config.momentumStyle() == MomentumStyle.CLASSIC) {
      classicStep(params, grad, v, lrf, mu);
    } else {
      emaStep(params, grad, v, lrf, mu, (float) (1 - momentum));
    }
    s.advance();
  }

  /** {@code d = g + wd*p}; torch skips the add when wd is 0, which keeps the sign of a zero gradient. */
  private float decayed(float g, float p) {
    return wd != 0 ? Math.fma(wd, p, g) : g;
  }

  private void plainStep(float[] p, float[] g, float lr) {
    for (int i = 0; i < p.length; i++) {
      p[i] = Math.fma(-lr, decayed(g[i], p[i]), p[i]); // param.add_(d_p, alpha=-lr)
    }
  }

  /** torch's order of operations; every {@code add_(y, alpha=a)} is one fused multiply-add, as in its kernel. */
  private void pytorchStep(float[] p, float[] g, float[] v, float lr, float mu, boolean first) {
    for (int i = 0; i < p.length; i++) {
      float d = decayed(g[i], p[i]);
      float buf = first ? d : Math.fma(oneMinusDampening, d, v[i] * mu); // buf.mul_(mu).add_(d, 1-dampening)
      v[i] = buf;
      float dir = nesterov ? Math.fma(mu, buf, d) : buf; // d_p.add(buf, alpha=mu) uses the updated buf
      p[i] = Math.fma(-lr, dir, p[i]);
    }
  }

  /** The buffer holds lr-scaled steps, so an lr change only affects new gradients. */
  private void classicStep(float[] p, float[] g, float[] v, float lr, float mu) {
    for (int i = 0; i < p.length; i++) {
      float d = decayed(g[i], p[i]);
      float buf = Math.fma(lr, d, v[i] * mu);
      v[i] = buf;
      p[i] -= nesterov ? Math.fma(mu, buf, lr * d) : buf;
    }
  }

  /** The buffer is an average of d on the gradient's scale, so lr applies to the whole history at use time. */
  private void emaStep(float[] p, float[] g, float[] v, float lr, float mu, float oneMinusMu) {
    for (int i = 0; i < p.length; i++) {
      float d = decayed(g[i], p[i]);
      float buf = Math.fma(oneMinusMu, d, v[i] * mu);
      v[i] = buf;
      float dir = nesterov ? Math.fma(mu, buf, oneMinusMu * d) : buf;
      p[i] = Math.fma(-lr, dir, p[i]);
    }
  }

  private SgdState checkedState(float[] params, float[] grad, OptimizerState state, double lr) {
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
