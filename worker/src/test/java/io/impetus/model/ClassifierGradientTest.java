package io.impetus.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.impetus.data.Batch;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The hand-written backpropagation of every image classifier agrees with central finite
 * differences of a float64 reference implementation ({@link ReferenceNets}), on networks small
 * enough to difference every parameter; and the model's loss agrees with the reference's.
 */
class ClassifierGradientTest {

  /** A batch of {@code n} random images of {@code dim} pixels in [0, 1] with labels cycling through the classes. */
  static Batch randomBatch(int n, int dim, int classes, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    Batch batch = new Batch(n, dim, 1);
    for (int i = 0; i < n * dim; i++) {
      batch.inputs()[i] = (float) rng.nextDouble();
    }
    for (int i = 0; i < n; i++) {
      batch.targets()[i] = i % classes;
    }
    batch.setSize(n);
    return batch;
  }

  private static void check(Classifier model, Batch batch, java.util.function.ToDoubleFunction<double[]> reference) {
    int p = (int) model.layout().numParams();
    float[] params = new float[p];
    model.initialize(params, 3);
    float[] grad = new float[p];
    double loss = model.lossAndGradient(params, batch, grad);
    double expectedLoss = reference.applyAsDouble(GradientCheck.toDouble(params));
    GradientCheck.assertRelativelyClose(expectedLoss, loss, 1e-5, "loss");
    GradientCheck.assertRelativelyClose(expectedLoss, model.loss(params, batch), 1e-5, "loss without gradient");
    GradientCheck.assertClose(GradientCheck.centralDifferences(reference, params), grad);
  }

  @Test
  void softmaxRegressionGradientMatchesFiniteDifferences() {
    Mlp model = Mlp.softmaxRegression(6, 4);
    Batch batch = randomBatch(5, 6, 4, 1);
    check(model, batch, p -> ReferenceNets.mlpLoss(p, new int[] {6, 4}, batch.inputs(), batch.targets(), 5));
  }

  @Test
  void mlpGradientMatchesFiniteDifferences() {
    Mlp model = new Mlp(7, new int[] {6, 5}, 3);
    Batch batch = randomBatch(6, 7, 3, 2);
    check(model, batch, p -> ReferenceNets.mlpLoss(p, new int[] {7, 6, 5, 3}, batch.inputs(), batch.targets(), 6));
  }

  @Test
  void cnnGradientMatchesFiniteDifferences() {
    // 8×8 images, 2 and 3 channels of 5×5 kernels (so padding matters at every border), fc 12 → 4 → 3.
    Cnn model = new Cnn(8, 8, 2, 3, 5, 4, 3);
    Batch batch = randomBatch(3, 64, 3, 3);
    check(model, batch, p -> ReferenceNets.cnnLoss(p, 8, 8, 2, 3, 5, 4, 3, batch.inputs(), batch.targets(), 3));
  }

  @Test
  void cnnWithRectangularImagesAndThreeByThreeKernels() {
    Cnn model = new Cnn(4, 8, 3, 2, 3, 5, 4);
    Batch batch = randomBatch(4, 32, 4, 4);
    check(model, batch, p -> ReferenceNets.cnnLoss(p, 4, 8, 3, 2, 3, 5, 4, batch.inputs(), batch.targets(), 4));
  }

  @Test
  void aSmallerBatchAfterALargerOneUsesOnlyItsOwnRows() {
    // Buffers are sized for the largest batch; a later, smaller batch must not see stale rows.
    Mlp model = new Mlp(7, new int[] {6}, 3);
    float[] params = new float[(int) model.layout().numParams()];
    model.initialize(params, 5);
    Batch big = randomBatch(9, 7, 3, 6);
    model.lossAndGradient(params, big, new float[params.length]);
    Batch small = randomBatch(2, 7, 3, 7);
    double expected = ReferenceNets.mlpLoss(GradientCheck.toDouble(params), new int[] {7, 6, 3}, small.inputs(),
        small.targets(), 2);
    assertEquals(expected, model.lossAndGradient(params, small, new float[params.length]), 1e-5 * expected);
  }
}
