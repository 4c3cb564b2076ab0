package io.impetus.cli;

import io.impetus.model.DataOptions;
import io.impetus.model.ModelCatalog;
import io.impetus.model.ParameterLayout;
import io.impetus.shard.ExpectedLayout;
import io.impetus.shard.LayoutLimits;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.apache.commons.cli.Options;

/**
 * The layout and size a shard accepts, on {@code impetus server} (see docs/usage.md and
 * docs/security.md): {@code --model} (with the worker's {@code --hidden}) or {@code --num-params}
 * for the expected layout, {@code --layout-fingerprint} to pin a fingerprint without a model name
 * (what {@code impetus local} passes its shards), and {@code --max-params}. A Join that does not fit
 * is refused before the shard allocates anything.
 */
public final class LayoutFlags {
  private LayoutFlags() {}

  /** The environment variables that stand in for the flags (IMPETUS_MODEL is the workers' too). */
  public static final List<EnvVar> ENVIRONMENT = List.of(
      EnvVar.forFlag("IMPETUS_MODEL", "model", "the workers' model: the shard refuses any other"),
      EnvVar.forFlag("IMPETUS_NUM_PARAMS", "num-params"),
      EnvVar.forFlag("IMPETUS_MAX_PARAMS", "max-params"));

  /** Adds the flags. */
  public static void addTo(Options o) {
    o.addOption(OptimizerFlags.valued("model", "NAME", "accept only workers of this model: " + String.join(", ",
        ModelCatalog.names()) + " (its parameter count and layout fingerprint, derived as the workers derive them;"
        + " image models for 28x28 images of 10 classes); refuse any other Join before allocating (default: the"
        + " first Join fixes the layout)"));
    o.addOption(OptimizerFlags.valued("hidden", "W1,W2,...",
        "with --model mlp: the workers' hidden widths (default 256,128)"));
    o.addOption(OptimizerFlags.valued("num-params", "P",
        "accept only workers whose model has P parameters (with --model: must be the model's count)"));
    o.addOption(OptimizerFlags.valued("layout-fingerprint", "HEX", "with --num-params: accept only workers whose"
        + " layout fingerprint is these 16 hex digits (what impetus local passes its shards; --model derives it)"));
    o.addOption(OptimizerFlags.valued("max-params", "N", "refuse a Join of a model of more than N parameters before"
        + " allocating (default: what fits in half the JVM's max heap, -Xmx, counting the slice, its optimizer"
        + " state and a gradient buffer per worker)"));
  }

  /** The limits the flags (or their variables) describe; a bad or inconsistent value is a usage error naming a flag. */
  public static LayoutLimits parse(Flags f) {
    ExpectedLayout expected = expected(f);
    Long max = f.longOrNull("max-params");
    if (max != null && max < 1) {
      throw new UsageException("--max-params must be at least 1, got " + max);
    }
    try {
      return new LayoutLimits(expected, max == null ? 0 : max);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }

  private static ExpectedLayout expected(Flags f) {
    String model = f.string("model");
    Long numParams = f.longOrNull("num-params");
    OptionalLong fingerprint = fingerprint(f);
    if (numParams != null && numParams < 1) {
      throw new UsageException("--num-params must be at least 1, got " + numParams);
    }
    if (f.has("hidden") && model == null) {
      throw new UsageException("--hidden needs --model (the workers' model)");
    }
    if (model == null) {
      if (numParams == null) {
        if (fingerprint.isPresent()) {
          throw new UsageException("--layout-fingerprint needs --num-params");
        }
        return ExpectedLayout.ANY;
      }
      return fingerprint.isPresent() ? ExpectedLayout.of(numParams, fingerprint.getAsLong())
          : ExpectedLayout.ofNumParams(numParams);
    }
    ParameterLayout layout = modelLayout(f, model);
    if (numParams != null && numParams != layout.numParams()) {
      throw new UsageException("--num-params " + numParams + " does not match --model " + model + ", which has "
          + layout.numParams() + " parameters");
    }
    if (fingerprint.isPresent() && fingerprint.getAsLong() != layout.fingerprint()) {
      throw new UsageException(String.format("--layout-fingerprint %016x does not match --model %s, whose layout "
          + "fingerprint is %016x", fingerprint.getAsLong(), model, layout.fingerprint()));
    }
    return ExpectedLayout.of(layout.numParams(), layout.fingerprint());
  }

  /** The layout of {@code model} with the worker's model flags, derived without data as a worker derives it. */
  private static ParameterLayout modelLayout(Flags f, String model) {
    if (!ModelCatalog.names().contains(model)) {
      throw new UsageException("--model: unknown model '" + model + "' (expected " + String.join(", ",
          ModelCatalog.names()) + ")");
    }
    DataOptions data = DataOptions.defaults();
    if (f.has("hidden")) {
      try {
        data = data.withHidden(DataOptions.parseHidden(f.string("hidden")));
      } catch (IllegalArgumentException e) {
        throw new UsageException("--hidden: " + e.getMessage());
      }
    }
    return ModelCatalog.layout(model, data);
  }

  private static OptionalLong fingerprint(Flags f) {
    String hex = f.string("layout-fingerprint");
    if (hex == null) {
      return OptionalLong.empty();
    }
    if (!hex.matches("[0-9a-fA-F]{16}")) {
      throw new UsageException("--layout-fingerprint expects 16 hex digits, got '" + hex + "'");
    }
    return OptionalLong.of(Long.parseUnsignedLong(hex, 16));
  }

  /**
   * The flags that reproduce {@code limits}: {@code --num-params} with {@code --layout-fingerprint} (a model's
   * flags cannot be recovered from its layout), and {@code --max-params} when it was given.
   */
  public static List<String> toArgs(LayoutLimits limits) {
    List<String> a = new ArrayList<>();
    ExpectedLayout expected = limits.expected();
    if (!expected.isAny()) {
      OptimizerFlags.add(a, "num-params", Long.toString(expected.numParams()));
      expected.fingerprint().ifPresent(fp -> OptimizerFlags.add(a, "layout-fingerprint", String.format("%016x", fp)));
    }
    if (limits.maxParams() > 0) {
      OptimizerFlags.add(a, "max-params", Long.toString(limits.maxParams()));
    }
    return a;
  }

  /** The limits under which {@code impetus local}'s shards take only its workers' model, laid out as {@code layout}. */
  public static LayoutLimits forModel(ParameterLayout layout) {
    return new LayoutLimits(ExpectedLayout.of(layout.numParams(), layout.fingerprint()), 0);
  }
}
