package io.impetus.model;

import io.impetus.data.Batch;
import java.util.List;

/**
 * The deterministic diagonal quadratic {@code f(x) = Σ_i h_i/2 · x_i²} with given curvatures
 * {@code h} and start point, a test problem whose optimizer dynamics have a closed form. It has no
 * data: {@link #lossAndGradient} ignores the batch (which may be empty or null) and returns the
 * exact gradient {@code h_i · x_i}.
 *
 * <p>The default instance is {@code f(x, y) = x² + 10 y²} (h = (2, 20)) started at (10, 1). Layout:
 * one tensor {@code xy [n]}, the point, whatever its dimension. {@link #initialize} writes the start
 * point and ignores the seed. Arithmetic is float32, in the order {@code h/2 · (x·x)} in which
 * PyTorch evaluates {@code x**2 + 10*y**2}; the loss is rounded to float32 like PyTorch's.
 */
public final class Quadratic implements Model {
  private final float[] curvatures;
  private final float[] halfCurvatures;
  private final float[] start;
  private final ParameterLayout layout;

  /** {@code x² + 10 y²} from (10, 1). */
  public Quadratic() {
    this(new float[] {2f, 20f}, new float[] {10f, 1f});
  }

  /** {@code Σ h_i/2 · x_i²} from {@code start}; both arrays are copied and must have equal length. */
  public Quadratic(float[] curvatures, float[] start) {
    if (curvatures.length == 0 || curvatures.length != start.length) {
      throw new IllegalArgumentException(
          "need as many curvatures as start coordinates (at least one), got " + curvatures.length
              + " and " + start.length);
    }
    this.curvatures = curvatures.clone();
    this.start = start.clone();
    this.halfCurvatures = new float[curvatures.length];
    for (int i = 0; i < curvatures.length; i++) {
      if (!Float.isFinite(curvatures[i]) || !Float.isFinite(start[i])) {
        throw new IllegalArgumentException("curvature and start coordinate " + i + " must be finite");
      }
      // Halving is exact in binary floating point, so h/2 · x² loses nothing against h · x² / 2.
      halfCurvatures[i] = curvatures[i] / 2f;
    }
    this.layout = new ParameterLayout(List.of(new ParameterLayout.TensorSpec("xy", curvatures.length)));
  }

  /** The number of coordinates. */
  public int dimension() {
    return curvatures.length;
  }

  /** A copy of the curvatures h (the Hessian's diagonal). */
  public float[] curvatures() {
    return curvatures.clone();
  }

  /** A copy of the start point. */
  public float[] start() {
    return start.clone();
  }

  @Override
  public String name() {
    return "quadratic";
  }

  @Override
  public ParameterLayout layout() {
    return layout;
  }

  /** Writes the start point; the problem is deterministic, so the seed plays no part. */
  @Override
  public void initialize(float[] params, long seed) {
    ModelArgs.requireLength("params", params, curvatures.length);
    System.arraycopy(start, 0, params, 0, start.length);
  }

  @Override
  public double lossAndGradient(float[] params, Batch batch, float[] grad) {
    ModelArgs.requireLength("grad", grad, curvatures.length);
    double loss = loss(params, batch);
    for (int i = 0; i < grad.length; i++) {
      grad[i] = curvatures[i] * params[i];
    }
    return loss;
  }

  @Override
  public double loss(float[] params, Batch batch) {
    ModelArgs.requireLength("params", params, curvatures.length);
    // Terms are float32; their sum is kept in double and rounded once, which for two terms is
    // exactly PyTorch's float32 x**2 + 10*y**2 and for many stays close to the exact sum.
    double sum = 0;
    for (int i = 0; i < params.length; i++) {
      sum += halfCurvatures[i] * (params[i] * params[i]);
    }
    return (float) sum;
  }
}
