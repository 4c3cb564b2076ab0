package io.impetus.optim;

import java.util.Locale;

/** The update rules a shard can apply. The lower-case name is what the command line accepts. */
public enum OptimizerKind {
  /** Stochastic gradient descent, with optional momentum (three conventions), Nesterov and L2 weight decay. */
  SGD,
  /** Adam with L2 (coupled) weight decay and optional AMSGrad. */
  ADAM,
  /** AdamW: Adam with decoupled weight decay. */
  ADAMW;

  /** The command-line name. */
  public String cliName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a command-line name; the message lists the accepted names. */
  public static OptimizerKind parse(String name) {
    for (OptimizerKind kind : values()) {
      if (kind.cliName().equals(name)) {
        return kind;
      }
    }
    throw new IllegalArgumentException("unknown optimizer '" + name + "' (expected sgd, adam or adamw)");
  }
}
