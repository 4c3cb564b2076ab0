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
 * @param model the model the layout was derived from, for the shard's log ("" when only P was given)
 */
public record ExpectedLayout(long numParams, OptionalLong fingerprint, String model) {
  /** No expectation: the first Join fixes the layout. */
  public static final ExpectedLayout ANY = new ExpectedLayout(0, OptionalLong.empty(), "");

  /** Checks that P is given whenever a fingerprint is, with messages that name the flag. */
  public ExpectedLayout {
    if (numParams < 0) {
      throw new IllegalArgumentException("--num-params must be at least 1, got " + numParams);
    }
    if (fingerprint == null || model == null) {
      throw new IllegalArgumentException("fingerprint and model are required (empty for none)");
    }
    if (fingerprint.isPresent() && numParams == 0) {
      throw new IllegalArgumentException("a layout fingerprint needs the number of parameters (--num-params)");
    }
  }

  /** A layout of {@code numParams} parameters, whatever their fingerprint. */
  public static ExpectedLayout ofNumParams(long numParams) {
    if (numParams < 1) {
      throw new IllegalArgumentException("--num-params must be at least 1, got " + numParams);
    }
    return new ExpectedLayout(numParams, OptionalLong.empty(), "");
  }

  /** The layout of model {@code model}: {@code numParams} parameters with {@code fingerprint}. */
  public static ExpectedLayout ofModel(String model, long numParams, long fingerprint) {
    if (numParams < 1) {
      throw new IllegalArgumentException("model '" + model + "' has no parameters");
    }
    return new ExpectedLayout(numParams, OptionalLong.of(fingerprint), model);
  }

  /** Whether any layout is accepted (nothing expected). */
  public boolean isAny() {
    return numParams == 0;
  }

  /** For the shard's log, e.g. {@code model 'mlp' (235146 parameters, fingerprint 0123456789abcdef)}. */
  public String describe() {
    if (isAny()) {
      return "any layout";
    }
    String fp = fingerprint.isPresent() ? String.format(", fingerprint %016x", fingerprint.getAsLong()) : "";
    return (model.isEmpty() ? "" : "model '" + model + "' (") + numParams + " parameters" + fp
        + (model.isEmpty() ? "" : ")");
  }
}
