package io.impetus.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.impetus.data.Batch;
import io.impetus.data.Dataset;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The image classifiers' shapes (torch state_dict names and sizes), their PyTorch-default seeded
 * initialization, chunked evaluation, and that they learn.
 */
class ClassifierTest {

  private static List<String> describe(ParameterLayout layout) {
    return layout.tensors().stream().map(t -> t.name() + java.util.Arrays.toString(t.shape())).toList();
  }

  @Test
  void softmaxIsOneLinearLayer() {
    Mlp model = Mlp.softmaxRegression(784, 10);
    assertEquals("softmax", model.name());
    assertEquals(List.of("fc1.weight[10, 784]", "fc1.bias[10]"), describe(model.layout()));
    assertEquals(7_850, model.layout().numParams());
  }

  @Test
  void mlpHasTheConfiguredHiddenLayers() {
    Mlp model = new Mlp(784, Mlp.DEFAULT_HIDDEN, 10);
    assertEquals("mlp", model.name());
    assertEquals(List.of("fc1.weight[256, 784]", "fc1.bias[256]", "fc2.weight[128, 256]", "fc2.bias[128]",
        "fc3.weight[10, 128]", "fc3.bias[10]"), describe(model.layout()));
    assertEquals(235_146, model.layout().numParams());
    assertArrayEquals(new int[] {256, 128}, model.hidden());
    assertEquals(784 * 64 + 64 + 64 * 10 + 10, new Mlp(784, new int[] {64}, 10).layout().numParams());
  }

  @Test
  void cnnIsLaidOutLikeTorchsStateDict() {
    Cnn model = new Cnn();
    assertEquals("cnn", model.name());
    assertEquals(List.of("conv1.weight[32, 1, 5, 5]", "conv1.bias[32]", "conv2.weight[64, 32, 5, 5]", "conv2.bias[64]",
        "fc1.weight[128, 3136]", "fc1.bias[128]", "fc2.weight[10, 128]", "fc2.bias[10]"), describe(model.layout()));
    assertEquals(454_922, model.layout().numParams());
  }

  @Test
  void initializationIsUniformWithinOneOverRootFanInPerTensor() {
    Cnn model = new Cnn();
    float[] params = new float[(int) model.layout().numParams()];
    model.initialize(params, 42);
    int[] fanIns = {25, 25, 800, 800, 3136, 3136, 128, 128};
    int offset = 0;
    List<ParameterLayout.TensorSpec> tensors = model.layout().tensors();
    for (int t = 0; t < tensors.size(); t++) {
      int size = (int) tensors.get(t).size();
      double bound = 1 / Math.sqrt(fanIns[t]);
      double max = 0;
      double sumOfSquares = 0;
      for (int i = offset; i < offset + size; i++) {
        max = Math.max(max, Math.abs(params[i]));
        sumOfSquares += (double) params[i] * params[i];
      }
      assertTrue(max <= bound, tensors.get(t).name() + " reaches " + max + " > " + bound);
      if (size >= 800) {
        // U(-b, b) has variance b²/3; with this many draws the sample is within 10 %.
        assertEquals(bound * bound / 3, sumOfSquares / size, 0.1 * bound * bound / 3, tensors.get(t).name());
      }
      offset += size;
    }
    float[] again = new float[params.length];
    model.initialize(again, 42);
    assertArrayEquals(params, again);
    model.initialize(again, 43);
    assertFalse(java.util.Arrays.equals(params, again));
  }

  @Test
  void evaluationIsTheLossOfTheWholeSetInChunks() {
    // 150 rows: more than two chunks of 64, the last one partial.
    Mlp model = new Mlp(7, new int[] {5}, 3);
    Batch all = ClassifierGradientTest.randomBatch(150, 7, 3, 8);
    Dataset data = new Dataset("random", 150, 7, 1, all.inputs(), all.targets());
    float[] params = new float[(int) model.layout().numParams()];
    model.initialize(params, 1);
    Evaluation evaluation = model.evaluate(params, data);
    assertEquals(150, evaluation.examples());
    GradientCheck.assertRelativelyClose(model.loss(params, all), evaluation.loss(), 1e-6, "mean loss");
    double expected = ReferenceNets.mlpLoss(GradientCheck.toDouble(params), new int[] {7, 5, 3}, all.inputs(),
        all.targets(), 150);
    GradientCheck.assertRelativelyClose(expected, evaluation.loss(), 1e-5, "reference loss");
  }

  @Test
  void accuracyCountsCorrectArgmaxes() {
    // A softmax model whose weight is the identity predicts the class of the brightest pixel.
    Mlp model = Mlp.softmaxRegression(3, 3);
    float[] params = {1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0};
    float[] pixels = {1, 0, 0, /**/ 0, 0, 1, /**/ 0, 1, 0, /**/ 0, 1, 0};
    float[] labels = {0, 2, 1, 0}; // the last one is wrong
    Evaluation evaluation = model.evaluate(params, new Dataset("d", 4, 3, 1, pixels, labels));
    assertEquals(0.75, evaluation.accuracy());
  }

  @Test
  void evaluationChecksTheDataSetShape() {
    Mlp model = Mlp.softmaxRegression(3, 2);
    float[] params = new float[8];
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> model.evaluate(params, new Dataset("wide", 1, 4, 1, new float[4], new float[1])));
    assertEquals("data set wide rows are 4 -> 1, the model expects 3 -> 1", e.getMessage());
  }

  @Test
  void mlpAndCnnLearnToTellBrightQuadrantsApart() {
    // Class c lights up quadrant c of an 8×8 image; plain SGD must get every training example right.
    int n = 64;
    float[] pixels = new float[n * 64];
    float[] labels = new float[n];
    java.util.SplittableRandom rng = new java.util.SplittableRandom(5);
    for (int s = 0; s < n; s++) {
      int c = s % 4;
      labels[s] = c;
      for (int i = 0; i < 8; i++) {
        for (int j = 0; j < 8; j++) {
          boolean lit = (i / 4) * 2 + (j / 4) == c;
          pixels[s * 64 + i * 8 + j] = (float) ((lit ? 0.6 : 0.0) + 0.4 * rng.nextDouble());
        }
      }
    }
    Dataset data = new Dataset("quadrants", n, 64, 1, pixels, labels);
    Batch batch = data.asBatch();
    for (Classifier model : List.<Classifier>of(new Mlp(64, new int[] {16}, 4), new Cnn(8, 8, 4, 8, 3, 16, 4))) {
      float lr = model instanceof Cnn ? 0.1f : 0.5f;
      float[] params = new float[(int) model.layout().numParams()];
      float[] grad = new float[params.length];
      model.initialize(params, 0);
      double first = model.lossAndGradient(params, batch, grad);
      for (int step = 0; step < 300; step++) {
        model.lossAndGradient(params, batch, grad);
        for (int i = 0; i < params.length; i++) {
          params[i] -= lr * grad[i];
        }
      }
      Evaluation end = model.evaluate(params, data);
      assertEquals(1.0, end.accuracy(), model.name());
      assertTrue(end.loss() < 0.1 * first, model.name() + " loss went from " + first + " to " + end.loss());
    }
  }
}
