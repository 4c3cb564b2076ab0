package io.impetus.shard;

/**
 * What a Join may make a shard hold, checked before it allocates anything: the layout it expects
 * ({@link ExpectedLayout#ANY}: the first Join's) and the most parameters a model may have.
 *
 * @param expected the layout every Join must describe, or {@link ExpectedLayout#ANY}
 * @param maxParams the most parameters (P) a Join may describe ({@code --max-params}); 0 for the
 *     default, what the JVM's heap holds ({@link SliceMemory#defaultMaxParams})
 */
public record LayoutLimits(ExpectedLayout expected, long maxParams) {
  /** No expected layout, and the heap's bound on the number of parameters. */
  public static final LayoutLimits DEFAULT = new LayoutLimits(ExpectedLayout.ANY, 0);

  /** Validates with messages that name the flags. */
  public LayoutLimits {
    if (expected == null) {
      throw new IllegalArgumentException("an expected layout is required (ExpectedLayout.ANY for none)");
    }
    if (maxParams < 0) {
      throw new IllegalArgumentException("--max-params must be at least 1, got " + maxParams);
    }
    if (maxParams > 0 && expected.numParams() > maxParams) {
      throw new IllegalArgumentException("the expected layout has " + expected.numParams()
          + " parameters, more than --max-params " + maxParams);
    }
  }
}
