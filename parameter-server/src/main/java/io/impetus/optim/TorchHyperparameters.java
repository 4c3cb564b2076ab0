package io.impetus.optim;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Maps a {@code torch.optim} class and its keyword arguments onto an {@link OptimizerConfig}.
 * Unknown keywords and settings that change the math in ways Impetus does not implement are
 * rejected rather than ignored: a silently ignored {@code maximize=True} would make a replay
 * compare against the wrong rule.
 */
final class TorchHyperparameters {

  // Keywords of torch 1.13 that either do not change the float32 result (foreach, differentiable)
  // or are checked below.
  private static final Set<String> SGD_KEYS =
      Set.of("lr", "momentum", "dampening", "weight_decay", "nesterov", "maximize", "foreach", "differentiable");
  private static final Set<String> ADAM_KEYS =
      Set.of("lr", "betas", "eps", "weight_decay", "amsgrad", "maximize", "foreach", "capturable",
          "differentiable", "fused");

  private final String file;
  private final String optimizer;
  private final Map<String, Object> kwargs;

  private TorchHyperparameters(String file, String optimizer, Map<String, Object> kwargs) {
    this.file = file;
    this.optimizer = optimizer;
    this.kwargs = kwargs;
  }

  static OptimizerConfig toConfig(String file, String optimizer, Map<String, Object> kwargs) {
    return new TorchHyperparameters(file, optimizer, kwargs).config();
  }

  private OptimizerConfig config() {
    OptimizerKind kind = kind();
    Set<String> known = kind == OptimizerKind.SGD ? SGD_KEYS : ADAM_KEYS;
    for (String key : kwargs.keySet()) {
      if (!known.contains(key)) {
        throw problem("unknown hyperparameter '" + key + "'");
      }
    }
    requireFalse("maximize", "gradient ascent is not implemented");
    requireFalse("capturable", "it changes where the bias corrections are computed");
    requireFalse("fused", "the fused kernel rounds differently");
    if (kind == OptimizerKind.SGD && kwargs.get("lr") == null) {
      throw problem("missing hyperparameter 'lr' (torch.optim.SGD has no default)");
    }
    double lr = number("lr", 1e-3);
    double defaultDecay = kind == OptimizerKind.ADAMW ? 0.01 : 0.0;
    List<Double> betas = betas();
    try {
      return new OptimizerConfig(
          kind,
          lr,
          number("momentum", 0.0),
          number("dampening", 0.0),
          flag("nesterov"),
          MomentumStyle.PYTORCH,
          number("weight_decay", defaultDecay),
          betas.get(0),
          betas.get(1),
          number("eps", 1e-8),
          flag("amsgrad"),
          LrSchedule.constant());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": unsupported " + optimizer + " hyperparameters: " + e.getMessage(), e);
    }
  }

  /** Accepts the qualified class name of the trace files and the short name of index.json. */
  private OptimizerKind kind() {
    String simple = optimizer.startsWith("torch.optim.") ? optimizer.substring("torch.optim.".length()) : optimizer;
    switch (simple) {
      case "SGD":
        return OptimizerKind.SGD;
      case "Adam":
        return OptimizerKind.ADAM;
      case "AdamW":
        return OptimizerKind.ADAMW;
      default:
        throw new IllegalArgumentException(
            file + ": unsupported optimizer '" + optimizer + "' (expected torch.optim.SGD, Adam or AdamW)");
    }
  }

  private List<Double> betas() {
    Object value = kwargs.get("betas");
    if (value == null) {
      return List.of(0.9, 0.999);
    }
    if (value instanceof List<?> list && list.size() == 2
        && list.get(0) instanceof Double && list.get(1) instanceof Double) {
      return List.of((Double) list.get(0), (Double) list.get(1));
    }
    throw problem("hyperparameter 'betas' must be a pair of numbers, got " + value);
  }

  private double number(String key, double absent) {
    Object value = kwargs.get(key);
    if (value == null) {
      return absent;
    }
    if (value instanceof Double d) {
      return d;
    }
    throw problem("hyperparameter '" + key + "' must be a number, got " + value);
  }

  private boolean flag(String key) {
    Object value = kwargs.get(key);
    if (value == null) {
      return false;
    }
    if (value instanceof Boolean b) {
      return b;
    }
    throw problem("hyperparameter '" + key + "' must be true or false, got " + value);
  }

  private void requireFalse(String key, String why) {
    if (flag(key)) {
      throw problem(key + "=True is not supported: " + why);
    }
  }

  private IllegalArgumentException problem(String what) {
    return new IllegalArgumentException(file + ": " + optimizer + ": " + what);
  }
}
