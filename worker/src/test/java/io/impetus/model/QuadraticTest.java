package io.impetus.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.impetus.data.Batch;
import org.junit.jupiter.api.Test;

class QuadraticTest {
  private final Quadratic model = new Quadratic();

  @Test
  void defaultIsXSquaredPlusTenYSquaredFromTenOne() {
    assertEquals("quadratic", model.name());
    assertEquals(2, model.layout().numParams());
    assertEquals("xy", model.layout().tensors().get(0).name());
    assertArrayEquals(new float[] {2f, 20f}, model.curvatures());
    float[] params = new float[2];
    model.initialize(params, 123);
    assertArrayEquals(new float[] {10f, 1f}, params);
    assertEquals(110.0, model.loss(params, null));
  }

  @Test
  void initializationIgnoresTheSeed() {
    float[] a = new float[2];
    float[] b = new float[2];
    model.initialize(a, 1);
    model.initialize(b, 2);
    assertArrayEquals(a, b);
  }

  @Test
  void gradientIsExactlyTwoXAndTwentyY() {
    float[][] points = {{10f, 1f}, {-3.25f, 0.125f}, {1e-3f, -7.1f}, {0f, 0f}, {123.456f, -0.3f}};
    for (float[] point : points) {
      float[] grad = new float[2];
      double loss = model.lossAndGradient(point, null, grad);
      assertEquals(2f * point[0], grad[0]);
      assertEquals(20f * point[1], grad[1]);
      // Same float32 operations, same order as PyTorch's x**2 + 10*y**2.
      assertEquals(point[0] * point[0] + 10f * (point[1] * point[1]), (float) loss);
    }
  }

  @Test
  void ignoresTheBatchWhetherNullEmptyOrNot() {
    float[] point = {3f, -2f};
    Batch empty = new Batch(0, 1, 1);
    Batch one = new Batch(1, 5, 1);
    one.setSize(1);
    one.inputs()[0] = 99f;
    float[] g1 = new float[2];
    float[] g2 = new float[2];
    float[] g3 = new float[2];
    double l1 = model.lossAndGradient(point, null, g1);
    double l2 = model.lossAndGradient(point, empty, g2);
    double l3 = model.lossAndGradient(point, one, g3);
    assertEquals(49.0, l1);
    assertEquals(l1, l2);
    assertEquals(l1, l3);
    assertArrayEquals(g1, g2);
    assertArrayEquals(g1, g3);
  }

  @Test
  void generalDiagonalQuadraticHasHalfCurvatureTimesSquare() {
    Quadratic q = new Quadratic(new float[] {1f, 0.5f, 4f}, new float[] {2f, -4f, 0.5f});
    assertEquals(3, q.dimension());
    float[] params = new float[3];
    q.initialize(params, 0);
    assertArrayEquals(new float[] {2f, -4f, 0.5f}, params);
    float[] grad = new float[3];
    // 1/2·4 + 0.25·16 + 2·0.25
    assertEquals(6.5, q.lossAndGradient(params, null, grad));
    assertArrayEquals(new float[] {2f, -2f, 2f}, grad);
    double[] finiteDifferences = GradientCheck.centralDifferences(
        p -> 0.5 * p[0] * p[0] + 0.25 * p[1] * p[1] + 2 * p[2] * p[2], params);
    GradientCheck.assertClose(finiteDifferences, grad);
  }

  @Test
  void layoutFingerprintFollowsTheDimension() {
    assertEquals(new Quadratic().layout().fingerprint(),
        new Quadratic(new float[] {1f, 1f}, new float[] {0f, 0f}).layout().fingerprint());
    assertEquals(3, new Quadratic(new float[3], new float[3]).layout().numParams());
  }

  @Test
  void rejectsMismatchedCurvaturesAndStart() {
    assertThrows(IllegalArgumentException.class, () -> new Quadratic(new float[2], new float[3]));
    assertThrows(IllegalArgumentException.class, () -> new Quadratic(new float[0], new float[0]));
    assertThrows(IllegalArgumentException.class,
        () -> new Quadratic(new float[] {Float.NaN}, new float[] {1f}));
  }

  @Test
  void constructorCopiesItsArrays() {
    float[] h = {2f, 2f};
    float[] start = {1f, 1f};
    Quadratic q = new Quadratic(h, start);
    h[0] = 100f;
    start[0] = 100f;
    float[] params = new float[2];
    q.initialize(params, 0);
    assertArrayEquals(new float[] {1f, 1f}, params);
    assertArrayEquals(new float[] {2f, 2f}, q.curvatures());
  }
}
