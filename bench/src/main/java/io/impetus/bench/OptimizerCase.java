package io.impetus.bench;

import io.impetus.optim.Optimizer;
import io.impetus.optim.OptimizerConfig;
import io.impetus.optim.OptimizerKind;
import io.impetus.optim.OptimizerState;
import io.impetus.optim.Optimizers;
import java.util.SplittableRandom;

/** One optimizer step over P floats vs a plain pass {@code p[i] += g[i]} over the same arrays. */
public final class OptimizerCase implements BenchCase {
  private final String kind;
  private final float[] params;
  private final float[] grad;
  private final Optimizer optimizer;
  private final OptimizerState state;
  private final double lr;

  /** {@code kind}: {@code sgd} (momentum 0.9, PyTorch style) or {@code adam}. */
  public OptimizerCase(String kind, int p) {
    this.kind = kind;
    SplittableRandom random = new SplittableRandom(1);
    params = new float[p];
    grad = new float[p];
    for (int i = 0; i < p; i++) {
      params[i] = (float) random.nextGaussian() * 0.1f;
      grad[i] = (float) random.nextGaussian() * 1e-3f;
    }
    OptimizerConfig config = switch (kind) {
      case "sgd" -> OptimizerConfig.sgd(1e-3, 0.9);
      case "adam" -> OptimizerConfig.defaults(OptimizerKind.ADAM, 1e-4);
      default -> throw new IllegalArgumentException("unknown optimizer " + kind);
    };
    lr = config.lr();
    optimizer = Optimizers.create(config);
    state = optimizer.newState(p);
  }

  @Override
  public String name() {
    return (kind.equals("sgd") ? "sgd-momentum step" : "adam step") + " P=" + params.length;
  }

  @Override
  public String baselineName() {
    return "p[i] += g[i]";
  }

  @Override
  public void subject() {
    optimizer.step(params, grad, state, lr);
  }

  @Override
  public void baseline() {
    float[] p = params;
    float[] g = grad;
    for (int i = 0; i < p.length; i++) {
      p[i] += g[i];
    }
  }

  @Override
  public long sink() {
    return Float.floatToRawIntBits(params[params.length / 2]);
  }
}
