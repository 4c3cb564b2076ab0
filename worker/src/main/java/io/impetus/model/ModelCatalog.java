package io.impetus.model;

import io.impetus.data.SyntheticData;
import java.util.List;

/**
 * The workloads the command line can name: {@code linear} (linear regression, d = 10, on
 * {@link SyntheticData#linear(long)}), {@code mlp-x2} (a 1-20-1 ReLU network on
 * {@link SyntheticData#squareCurve(long)}) and {@code quadratic} (x² + 10y² from (10, 1), no data).
 *
 * <p>Two seeds play separate parts in a run. The <em>data seed</em> given here fixes the training
 * set; every worker process of a run must pass the same one (the default {@link #DATA_SEED} unless
 * the user changes it) so that they all partition the same data. The <em>init seed</em> is passed
 * to {@link Model#initialize} by whichever worker initializes the shards. Generation mixes the data
 * seed before use, so passing one number for both does not correlate data and initial weights.
 */
public final class ModelCatalog {
  /** The data seed a run uses unless told otherwise. */
  public static final long DATA_SEED = 0L;

  private static final List<String> NAMES = List.of("linear", "mlp-x2", "quadratic");

  private ModelCatalog() {}

  /** The model names, in the order help texts list them. */
  public static List<String> names() {
    return NAMES;
  }

  /** {@code create(name, DATA_SEED)}. */
  public static Workload create(String name) {
    return create(name, DATA_SEED);
  }

  /**
   * A fresh model named {@code name} with its training set generated from {@code dataSeed}; the
   * same arguments give the same data in every process.
   *
   * @throws IllegalArgumentException if no model has that name
   */
  public static Workload create(String name, long dataSeed) {
    switch (String.valueOf(name)) {
      case "linear":
        return new Workload(new LinearRegression(), SyntheticData.linear(dataSeed));
      case "mlp-x2":
        return new Workload(new Mlp1D(), SyntheticData.squareCurve(dataSeed));
      case "quadratic":
        return new Workload(new Quadratic(), null);
      default:
        throw new IllegalArgumentException(
            "unknown model '" + name + "' (expected " + String.join(", ", NAMES.subList(0, NAMES.size() - 1))
                + " or " + NAMES.get(NAMES.size() - 1) + ")");
    }
  }
}
