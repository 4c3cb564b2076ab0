package io.impetus.cli.study;

import io.impetus.cli.Flags;
import io.impetus.cli.OptimizerFlags;
import io.impetus.cli.UsageException;
import io.impetus.model.ModelCatalog;
import io.impetus.study.simulate.Problem;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** Flags shared by the study's sub-commands: the problem, comma-separated lists, and the command echo. */
final class StudyFlags {
  private StudyFlags() {}

  /** {@code --curvature} was {@code --h}, which {@code -h} (help) made easy to mistype; accepted for one release. */
  static final java.util.Map<String, String> RENAMED = java.util.Map.of("h", "curvature");

  /** {@code --model}, {@code --curvature}, {@code --kappa}, {@code --dim}, {@code --batch-size}. */
  static void addProblem(Options o) {
    o.addOption(OptimizerFlags.valued("model", "NAME",
        "quadratic (x^2 + 10y^2 from (10, 1)), linear or mlp-x2 (default quadratic); --curvature or --kappa give other quadratics"));
    o.addOption(OptimizerFlags.valued("curvature", "H[,H...]",
        "a diagonal quadratic sum h_i/2 x_i^2 with these eigenvalues (curvatures), from x = 1"));
    o.addOption(OptimizerFlags.valued("kappa", "K", "a quadratic with eigenvalues spaced geometrically from 1 to K (see --dim)"));
    o.addOption(OptimizerFlags.valued("dim", "D", "dimension of the --kappa quadratic (default 2: eigenvalues {1, K})"));
    o.addOption(OptimizerFlags.valued("batch-size", "B", "minibatch size for data models (default 32)"));
  }

  /** The problem the flags describe. */
  static Problem problem(Flags f) {
    try {
      if (f.has("curvature") && f.has("kappa")) {
        throw new UsageException("give --curvature or --kappa, not both");
      }
      if (f.has("curvature")) {
        return Problem.quadratic(doubles(f, "curvature").stream().mapToDouble(Double::doubleValue).toArray());
      }
      if (f.has("kappa")) {
        return Problem.kappa(f.number("kappa", 10), f.integer("dim", 2));
      }
      String model = f.choice("model", "quadratic", name -> {
        ModelCatalog.create(name);
        return name;
      });
      return Problem.catalog(model, f.integer("batch-size", 32));
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }

  /** A comma-separated list of numbers. */
  static List<Double> doubles(Flags f, String flag) {
    return list(f, flag, Double::parseDouble, "numbers");
  }

  /** A comma-separated list of {@code parser} values; a bad entry is a usage error naming the flag. */
  static <T> List<T> list(Flags f, String flag, Function<String, T> parser, String what) {
    List<T> out = new ArrayList<>();
    String v = f.string(flag);
    if (v == null) {
      return out;
    }
    for (String part : v.split(",")) {
      String p = part.trim();
      if (p.isEmpty()) {
        continue;
      }
      try {
        out.add(parser.apply(p));
      } catch (IllegalArgumentException e) {
        throw new UsageException("--" + flag + " expects comma-separated " + what + ", got '" + p + "'"
            + (e instanceof NumberFormatException ? "" : ": " + e.getMessage()));
      }
    }
    return out;
  }

  /** The arguments that reproduce this command: {@code study <sub>} and every given flag. */
  static List<String> echo(String sub, Flags f) {
    List<String> args = new ArrayList<>(List.of("study", sub));
    args.addAll(flagsExcept(f, List.of()));
    args.addAll(f.positional());
    return args;
  }

  /** The flags given, with their values, as typed, but for those named in {@code left} (long names). */
  static List<String> flagsExcept(Flags f, List<String> left) {
    List<String> args = new ArrayList<>();
    for (Option o : f.commandLine().getOptions()) {
      if (left.contains(o.getLongOpt())) {
        continue;
      }
      args.add("--" + o.getLongOpt());
      if (o.hasArg()) {
        args.add(o.getValue());
      }
    }
    return args;
  }

  static Option flag(String name, String description) {
    return Option.builder().longOpt(name).desc(description).get();
  }
}
