package io.impetus.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.impetus.data.Batch;
import io.impetus.data.Dataset;
import io.impetus.data.SyntheticData;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class LinearRegressionTest {
  private final LinearRegression model = new LinearRegression();
  private final Dataset data = SyntheticData.linear(1000, 10, 3);

  /** The MSE of w·x + b, evaluated in double: the specification the model's float32 code meets. */
  static double referenceLoss(double[] p, Batch batch) {
    int d = batch.inputDim();
    double sum = 0;
    for (int i = 0; i < batch.size(); i++) {
      double prediction = p[d];
      for (int j = 0; j < d; j++) {
        prediction += p[j] * batch.inputs()[i * d + j];
      }
      double residual = prediction - batch.targets()[i];
      sum += residual * residual;
    }
    return sum / batch.size();
  }

  private Batch firstExamples(int count) {
    Batch batch = new Batch(count, data.inputDim(), data.targetDim());
    int[] indices = new int[count];
    Arrays.setAll(indices, i -> 7 * i % data.size());
    data.fill(batch, indices, 0, count);
    return batch;
  }

  @Test
  void layoutIsTorchLinearWithOneOutput() {
    ParameterLayout layout = model.layout();
    assertEquals("linear", model.name());
    assertEquals(List.of("weight", "bias"), layout.tensors().stream().map(t -> t.name()).toList());
    assertArrayEquals(new int[] {1, 10}, layout.tensors().get(0).shape());
    assertArrayEquals(new int[] {1}, layout.tensors().get(1).shape());
    assertEquals(11, layout.numParams());
    assertEquals(10, layout.offsetOf("bias"));
  }

  @Test
  void fingerprintDependsOnTheInputDimensionOnly() {
    assertEquals(model.layout().fingerprint(), new LinearRegression(10).layout().fingerprint());
    assertTrue(model.layout().fingerprint() != new LinearRegression(9).layout().fingerprint());
  }

  @Test
  void initializationIsSeededAndWithinTorchBounds() {
    float[] a = new float[11];
    float[] b = new float[11];
    float[] c = new float[11];
    model.initialize(a, 42);
    model.initialize(b, 42);
    model.initialize(c, 43);
    assertArrayEquals(a, b);
    assertFalse(Arrays.equals(a, c));
    float bound = (float) (1 / Math.sqrt(10));
    for (float value : a) {
      assertTrue(Math.abs(value) <= bound, value + " outside ±" + bound);
    }
  }

  @Test
  void lossIsTheMeanSquaredErrorInFloat32() {
    float[] params = new float[11];
    model.initialize(params, 1);
    for (int size : new int[] {1, 7, 32, 1000}) {
      Batch batch = firstExamples(size);
      double expected = referenceLoss(GradientCheck.toDouble(params), batch);
      GradientCheck.assertRelativelyClose(expected, model.loss(params, batch), 1e-5, "loss of " + size);
      GradientCheck.assertRelativelyClose(expected, model.lossAndGradient(params, batch, new float[11]), 1e-5,
          "lossAndGradient of " + size);
    }
  }

  @Test
  void gradientMatchesFiniteDifferencesOfTheDoubleReference() {
    for (long seed = 0; seed < 3; seed++) {
      float[] params = new float[11];
      model.initialize(params, seed);
      for (int size : new int[] {1, 5, 32, 1000}) {
        Batch batch = firstExamples(size);
        float[] grad = new float[11];
        Arrays.fill(grad, Float.NaN); // every entry must be overwritten
        model.lossAndGradient(params, batch, grad);
        GradientCheck.assertClose(
            GradientCheck.centralDifferences(p -> referenceLoss(p, batch), params), grad);
      }
    }
  }

  @Test
  void neitherMethodWritesTheParameters() {
    float[] params = new float[11];
    model.initialize(params, 5);
    float[] copy = params.clone();
    model.lossAndGradient(params, firstExamples(8), new float[11]);
    model.loss(params, firstExamples(8));
    assertArrayEquals(copy, params);
  }

  @Test
  void rejectsMismatchedArraysAndBatches() {
    float[] params = new float[11];
    Batch wrongWidth = new Batch(4, 3, 1);
    wrongWidth.setSize(4);
    assertThrows(IllegalArgumentException.class, () -> model.loss(new float[10], firstExamples(2)));
    assertThrows(IllegalArgumentException.class, () -> model.lossAndGradient(params, firstExamples(2), new float[12]));
    assertThrows(IllegalArgumentException.class, () -> model.loss(params, wrongWidth));
    IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
        () -> model.loss(params, new Batch(4, 10, 1)));
    assertEquals("the mean loss over an empty batch is undefined", empty.getMessage());
  }
}
