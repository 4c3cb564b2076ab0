package io.impetus.cli;

import io.impetus.optim.GradNormClip;
import java.util.List;
import org.apache.commons.cli.Options;

/** {@code --clip-grad-norm}, shared by {@code server} and {@code local} (see docs/usage.md). */
public final class ClipFlags {
  private ClipFlags() {}

  /** The environment variable that stands in for the flag. */
  public static final EnvVar ENVIRONMENT = EnvVar.forFlag("IMPETUS_CLIP_GRAD_NORM", "clip-grad-norm");

  /** Adds the flag. */
  public static void addTo(Options o) {
    o.addOption(OptimizerFlags.valued("clip-grad-norm", "C",
        "scale each gradient down to an L2 norm of at most C before the optimizer, per shard slice (the norm of"
            + " the slice's part of the gradient, unlike PyTorch's global clip_grad_norm_) (default 0: none)"));
  }

  /** The clipping the flag (or its variable) asks for; a bad value is a usage error naming the flag. */
  public static GradNormClip parse(Flags f) {
    double c = f.number("clip-grad-norm", 0);
    try {
      return GradNormClip.of(c);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }

  /** The flags that reproduce {@code clip}. */
  public static List<String> toArgs(GradNormClip clip) {
    return clip.enabled() ? List.of("--clip-grad-norm", Double.toString(clip.maxNorm())) : List.of();
  }
}
