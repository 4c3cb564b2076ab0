package io.impetus.optim;

import java.util.Locale;

/**
 * The three momentum conventions in use. They agree for a constant learning rate (up to a rescaling
 * of the buffer) and differ when the learning rate changes.
 */
public enum MomentumStyle {
  /** PyTorch: v = mu*v + (1-dampening)*g (v = g on the first step); p -= lr*v. */
  PYTORCH,
  /** Sutskever et al.: v = mu*v + lr*g; p -= v. The buffer carries the learning rate it was built with. */
  CLASSIC,
  /** Exponential moving average: v = mu*v + (1-mu)*g (from v = 0); p -= lr*v. */
  EMA;

  /** The command-line name. */
  public String cliName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a command-line name; the message lists the accepted names. */
  public static MomentumStyle parse(String name) {
    for (MomentumStyle style : values()) {
      if (style.cliName().equals(name)) {
        return style;
      }
    }
    throw new IllegalArgumentException("unknown momentum style '" + name + "' (expected pytorch, classic or ema)");
  }
}
