package io.impetus.shard;

import java.util.OptionalLong;

/**
 * The parameter layout a shard is told to serve before any worker comes ({@code --num-params}, or
 * {@code --model}, from which the command line derives P and the fingerprint as a worker does). A
 * Join that describes another layout is refused before the shard allocates anything, so that the first
 * caller of a fresh or restarted shard cannot choose its layout. {@link #ANY} expects nothing: the first
 * Join fixes the layout.
 *
 * @param numParams P, the length of the flat parameter vector; 0 for any
 * @param fingerprint the layout fingerprint a worker's model has (a hash of its tensors' names and
 *     shapes); empty for any
 */
public record ExpectedLayout(long numParams, OptionalLong fingerprint) {
  /** No expectation: the first Join fixes the layout. */
  public static final ExpectedLayout ANY = new ExpectedLayout(0, OptionalLong.empty());

  /** Checks that P is given whenever a fingerprint is, with messages that name the flag. */
  public ExpectedLayout {
    if (numParams < 0) {
      throw new IllegalArgumentException("--num-params must be at least 1, got " + numParams);
    }
    if (fingerprint == null) {
      throw new IllegalArgumentException("a fingerprint is required (empty for any)");
    }
    if (fingerprint.isPresent() && numParams == 0) {
      throw new IllegalArgumentException("a layout fingerprint needs the number of parameters (--num-params)");
    }
  }

  /** A layout of {@code numParams} parameters, whatever their fingerprint. */
  public static ExpectedLayout ofNumParams(long numParams) {
    return of(numParams, OptionalLong.empty());
  }

  /** The layout of a model of {@code numParams} parameters whose layout fingerprint is {@code fingerprint}. */
  public static ExpectedLayout of(long numParams, long fingerprint) {
    return of(numParams, OptionalLong.of(fingerprint));
  }

  private static ExpectedLayout of(long numParams, OptionalLong fingerprint) {
    if (numParams < 1) {
      throw new IllegalArgumentException("--num-params must be at least 1, got " + numParams);
    }
    return new ExpectedLayout(numParams, fingerprint);
  }

  /** Whether any layout is accepted (nothing expected). */
  public boolean isAny() {
    return numParams == 0;
  }

  /** For the shard's log, e.g. {@code 235146 parameters, fingerprint 0123456789abcdef}. */
  public String describe() {
    if (isAny()) {
      return "any layout";
    }
    return numParams + " parameters" + (fingerprint.isPresent() ? String.format(", fingerprint %016x",
        fingerprint.getAsLong()) : "");
  }
}
