package io.impetus.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.impetus.data.Batch;
import io.impetus.data.Dataset;
import io.impetus.data.SyntheticData;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class Mlp1DTest {
  private static final int H = 20;
  private static final int P = 3 * H + 1;
  private final Mlp1D model = new Mlp1D();
  private final Dataset data = SyntheticData.squareCurve(1000, 11);

  /** fc2(relu(fc1(x))) and its MSE, evaluated in double, with the layout's offsets spelled out. */
  static double referenceLoss(double[] p, Batch batch) {
    int h = (p.length - 1) / 3;
    double sum = 0;
    for (int i = 0; i < batch.size(); i++) {
      double x = batch.inputs()[i];
      double prediction = p[3 * h];
      for (int j = 0; j < h; j++) {
        prediction += p[2 * h + j] * Math.max(p[j] * x + p[h + j], 0);
      }
      double residual = prediction - batch.targets()[i];
      sum += residual * residual;
    }
    return sum / batch.size();
  }

  private Batch examples(int from, int count) {
    Batch batch = new Batch(count, 1, 1);
    int[] indices = new int[count];
    Arrays.setAll(indices, i -> (from + i) % data.size());
    data.fill(batch, indices, 0, count);
    return batch;
  }

  @Test
  void layoutIsTorchsNamedParametersOrder() {
    ParameterLayout layout = model.layout();
    assertEquals("mlp-x2", model.name());
    assertEquals(List.of("fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"),
        layout.tensors().stream().map(t -> t.name()).toList());
    assertArrayEquals(new int[] {H, 1}, layout.tensors().get(0).shape());
    assertArrayEquals(new int[] {H}, layout.tensors().get(1).shape());
    assertArrayEquals(new int[] {1, H}, layout.tensors().get(2).shape());
    assertArrayEquals(new int[] {1}, layout.tensors().get(3).shape());
    assertEquals(P, layout.numParams());
    assertEquals(new Mlp1D(20).layout().fingerprint(), layout.fingerprint());
    assertTrue(new Mlp1D(21).layout().fingerprint() != layout.fingerprint());
  }

  @Test
  void initializationIsSeededAndWithinEachLayersTorchBound() {
    float[] a = new float[P];
    float[] b = new float[P];
    float[] c = new float[P];
    model.initialize(a, 7);
    model.initialize(b, 7);
    model.initialize(c, 8);
    assertArrayEquals(a, b);
    assertFalse(Arrays.equals(a, c));
    // fc1 has fan_in 1, so bound 1; fc2 has fan_in H.
    float fc2Bound = (float) (1 / Math.sqrt(H));
    float fc1Largest = 0;
    for (int i = 0; i < P; i++) {
      float bound = i < 2 * H ? 1f : fc2Bound;
      assertTrue(Math.abs(a[i]) <= bound, "param " + i + " = " + a[i] + " outside ±" + bound);
      if (i < 2 * H) {
        fc1Largest = Math.max(fc1Largest, Math.abs(a[i]));
      }
    }
    // Spread over the whole range, not a scaled-down one: 40 uniform draws all below 0.5 has odds 1e-12.
    assertTrue(fc1Largest > 0.5f, "fc1 values suspiciously small: " + fc1Largest);
  }

  @Test
  void lossIsTheMeanSquaredErrorInFloat32() {
    float[] params = new float[P];
    model.initialize(params, 2);
    for (int size : new int[] {1, 32, 1000}) {
      Batch batch = examples(0, size);
      double expected = referenceLoss(GradientCheck.toDouble(params), batch);
      GradientCheck.assertRelativelyClose(expected, model.loss(params, batch), 1e-5, "loss of " + size);
      GradientCheck.assertRelativelyClose(expected, model.lossAndGradient(params, batch, new float[P]), 1e-5,
          "lossAndGradient of " + size);
    }
  }

  @Test
  void backpropagationMatchesFiniteDifferencesOfTheDoubleReference() {
    for (long seed = 0; seed < 5; seed++) {
      float[] params = new float[P];
      model.initialize(params, seed);
      for (int size : new int[] {1, 3, 32, 1000}) {
        Batch batch = examples((int) (seed * 37), size);
        float[] grad = new float[P];
        Arrays.fill(grad, Float.NaN); // every entry must be overwritten, dead units included
        model.lossAndGradient(params, batch, grad);
        GradientCheck.assertClose(
            GradientCheck.centralDifferences(p -> referenceLoss(p, batch), params), grad);
      }
    }
  }

  @Test
  void aUnitThatIsOffForTheWholeBatchGetsNoGradient() {
    float[] params = new float[P];
    model.initialize(params, 3);
    params[0] = 0f; // fc1.weight[0]
    params[H] = -1f; // fc1.bias[0]: pre-activation is -1 for every input, so unit 0 is dead
    float[] grad = new float[P];
    model.lossAndGradient(params, examples(0, 64), grad);
    assertEquals(0f, grad[0]);
    assertEquals(0f, grad[H]);
    assertEquals(0f, grad[2 * H]);
  }

  @Test
  void neitherMethodWritesTheParameters() {
    float[] params = new float[P];
    model.initialize(params, 4);
    float[] copy = params.clone();
    model.lossAndGradient(params, examples(0, 16), new float[P]);
    model.loss(params, examples(0, 16));
    assertArrayEquals(copy, params);
  }
}
