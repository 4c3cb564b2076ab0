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
  SYNC,
  /**
   * Stale Synchronous Parallel (Ho et al. 2013): gradients are applied on arrival, but a worker at
   * step c is answered only once every live worker has reached step c - s, for a staleness bound s.
   */
  SSP;

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
    throw new IllegalArgumentException("unknown mode '" + name + "' (expected async, sync or ssp)");
  }
}
