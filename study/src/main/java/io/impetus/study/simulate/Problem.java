package io.impetus.study.simulate;

import io.impetus.model.ModelCatalog;
import io.impetus.model.Quadratic;
import io.impetus.model.Workload;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What the simulator trains: a diagonal quadratic {@code Σ h_i/2·x_i²} (the real {@link Quadratic}),
 * or a model from the {@link ModelCatalog} trained on minibatches of its data set.
 *
 * <p>Immutable; {@link #create()} gives a fresh model per call because models keep scratch buffers
 * and are not thread-safe.
 *
 * @param model {@code quadratic} or a catalog name
 * @param curvatures for the quadratic: the eigenvalues h_i (ignored otherwise)
 * @param start for the quadratic: the start point, as long as {@code curvatures}
 * @param batchSize for data models: the minibatch size
 * @param source for a workload built elsewhere (e.g. a classifier over a data set already in
 *     memory, shared read-only by every run): makes a fresh workload per call; null for the
 *     quadratic and catalog models, which {@link #create()} builds from {@code model}
 */
public record Problem(String model, double[] curvatures, double[] start, int batchSize, Supplier<Workload> source) {

  /** Checks that a quadratic has as many start coordinates as curvatures. */
  public Problem {
    if (source == null && model.equals("quadratic") && (curvatures == null || start == null || curvatures.length != start.length
        || curvatures.length == 0)) {
      throw new IllegalArgumentException("a quadratic needs as many start coordinates as curvatures (at least one)");
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
    }
  }

  /** A quadratic or catalog problem (no external source). */
  public Problem(String model, double[] curvatures, double[] start, int batchSize) {
    this(model, curvatures, start, batchSize, null);
  }

  /**
   * A model with its training set from {@code source}, trained on minibatches of {@code batchSize};
   * {@code label} names it in summaries (e.g. {@code mlp-784-256-128-10 on fashion-mnist}).
   * {@code source} must return a fresh model on every call (models are not thread-safe); the data
   * sets may be shared, the simulator only reads them.
   */
  public static Problem of(String label, int batchSize, Supplier<Workload> source) {
    java.util.Objects.requireNonNull(source, "source");
    return new Problem(label, null, null, batchSize, source);
  }

  /** {@code Σ h_i/2·x_i²} started at 1 in every coordinate. */
  public static Problem quadratic(double... curvatures) {
    double[] start = new double[curvatures.length];
    Arrays.fill(start, 1.0);
    return new Problem("quadratic", curvatures.clone(), start, 1);
  }

  /**
   * A quadratic of condition number {@code kappa} in {@code dim} dimensions: eigenvalues spaced
   * geometrically from 1 to κ (so dim = 2 is {1, κ}), started at 1 everywhere.
   */
  public static Problem kappa(double kappa, int dim) {
    if (!(kappa >= 1) || dim < 1) {
      throw new IllegalArgumentException("--kappa must be >= 1 and the dimension >= 1");
    }
    double[] h = new double[dim];
    for (int i = 0; i < dim; i++) {
      h[i] = dim == 1 ? kappa : Math.pow(kappa, (double) i / (dim - 1));
    }
    return quadratic(h);
  }

  /** A catalog model (e.g. {@code mlp-x2}) on minibatches of {@code batchSize}. */
  public static Problem catalog(String name, int batchSize) {
    ModelCatalog.create(name); // fails early for an unknown name
    if (name.equals("quadratic")) {
      return new Problem(name, new double[] {2, 20}, new double[] {10, 1}, batchSize);
    }
    return new Problem(name, null, null, batchSize);
  }

  /** Whether this is a diagonal quadratic, whose theory the study knows. */
  public boolean isQuadratic() {
    return source == null && model.equals("quadratic");
  }

  /** A fresh workload (model and training set). */
  public Workload create() {
    if (source != null) {
      return source.get();
    }
    if (isQuadratic()) {
      float[] h = new float[curvatures.length];
      float[] x0 = new float[start.length];
      for (int i = 0; i < h.length; i++) {
        h[i] = (float) curvatures[i];
        x0[i] = (float) start[i];
      }
      return new Workload(new Quadratic(h, x0), null);
    }
    return ModelCatalog.create(model);
  }

  /** For summaries. */
  public Map<String, Object> describe() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("model", model);
    if (isQuadratic()) {
      m.put("curvatures", curvatures);
      m.put("start", start);
    } else {
      m.put("batch_size", batchSize);
    }
    return m;
  }

  /** A short label, e.g. {@code quadratic(h=1,10)}. */
  public String label() {
    if (!isQuadratic()) {
      return model;
    }
    StringBuilder sb = new StringBuilder("quadratic(h=");
    for (int i = 0; i < curvatures.length; i++) {
      sb.append(i == 0 ? "" : ",").append(Fmt.num(curvatures[i]));
    }
    return sb.append(')').toString();
  }
}
