package io.impetus.staleness;

/**
 * How a shard treats a gradient according to its staleness (how many updates the shard applied
 * between the worker's read and this gradient's arrival). Policies are immutable values; {@link
 * #adjust} runs on the shard's update thread just before the update.
 */
public sealed interface StalenessPolicy
    permits StalenessPolicy.None, LrDivide, DropStale, DelayCompensation, MomentumCompensation {

  /** Parses the command-line form: none, lr-divide, drop:K, dc-asgd:LAMBDA, momentum-compensation[:MU_MIN]. */
  static StalenessPolicy parse(String spec) {
    String s = spec.trim();
    int colon = s.indexOf(':');
    String name = colon < 0 ? s : s.substring(0, colon);
    String arg = colon < 0 ? null : s.substring(colon + 1);
    try {
      switch (name) {
        case "none":
          requireNoArgument(name, arg);
          return new None();
        case "lr-divide":
          requireNoArgument(name, arg);
          return new LrDivide();
        case "drop":
          if (arg == null) {
            throw new IllegalArgumentException("drop needs the largest staleness to keep, e.g. drop:4");
          }
          return new DropStale(Long.parseLong(arg));
        case "dc-asgd":
          if (arg == null) {
            throw new IllegalArgumentException("dc-asgd needs lambda, e.g. dc-asgd:0.04");
          }
          return new DelayCompensation(Double.parseDouble(arg));
        case "momentum-compensation":
          return new MomentumCompensation(arg == null ? 0.0 : Double.parseDouble(arg));
        default:
          throw new IllegalArgumentException("unknown staleness policy '" + spec
              + "' (expected none, lr-divide, drop:K, dc-asgd:LAMBDA or momentum-compensation[:MU_MIN])");
      }
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("staleness policy '" + spec + "' has a malformed number");
    }
  }

  private static void requireNoArgument(String name, String arg) {
    if (arg != null) {
      throw new IllegalArgumentException("staleness policy " + name + " takes no argument");
    }
  }

  /** The command-line form, which {@link #parse} turns back into an equal policy. */
  String spec();

  /** Whether {@link #adjust} needs the parameters the worker read (the shard then keeps a copy per worker). */
  default boolean needsReadParams() {
    return false;
  }

  /**
   * Adjusts {@code plan} for a gradient of {@code staleness}. May rewrite {@code grad} in place.
   *
   * @param params the shard's current slice (read only)
   * @param readParams the slice the worker computed the gradient from, or null if unknown
   * @param meanStaleness mean staleness of the gradients this shard applied so far
   */
  void adjust(UpdatePlan plan, long staleness, float[] grad, float[] params, float[] readParams, double meanStaleness);

  /** Applies every gradient as it is. */
  record None() implements StalenessPolicy {
    @Override
    public String spec() {
      return "none";
    }

    @Override
    public void adjust(UpdatePlan plan, long staleness, float[] grad, float[] params, float[] readParams,
        double meanStaleness) {}
  }
}
