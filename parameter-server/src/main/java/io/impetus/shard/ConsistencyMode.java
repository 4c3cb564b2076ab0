package io.impetus.shard;

import java.util.Locale;

/** When a shard applies pushed gradients. */
public enum ConsistencyMode {
  /** Each gradient is applied on arrival; the reply carries the parameters right after it. */
  ASYNC,
  /**
   * One gradient per live worker per step, computed from the shard's current version, averaged in
   * worker-id order and applied once; every waiting worker then gets the same fresh parameters.
   */
  SYNC;

  /** The command-line name. */
  public String cliName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a command-line name. */
  public static ConsistencyMode parse(String name) {
    for (ConsistencyMode mode : values()) {
      if (mode.cliName().equals(name)) {
        return mode;
      }
    }
    throw new IllegalArgumentException("unknown mode '" + name + "' (expected async or sync)");
  }
}
