package io.impetus.local;

import io.impetus.data.Batch;
import io.impetus.data.Dataset;
import io.impetus.model.Classifier;
import io.impetus.model.Evaluation;
import io.impetus.model.Workload;

/**
 * The final parameters judged on whole data sets: the training loss (every model) and, for a
 * classifier with a test set, the test loss and accuracy. Public so that a simulation of a real run
 * judges its parameters with the same code ({@code sim-vs-real}).
 *
 * @param trainLoss the loss on the whole training set (the model's only loss without data)
 * @param testLoss the loss on the whole test set, NaN without one
 * @param testAccuracy the accuracy on the whole test set, NaN without one
 */
public record FinalEvaluation(double trainLoss, double testLoss, double testAccuracy) {

  boolean hasTest() {
    return !Double.isNaN(testAccuracy);
  }

  /** Evaluates {@code params} of {@code workload}'s model on its data sets. */
  public static FinalEvaluation of(Workload workload, float[] params) {
    if (workload.model() instanceof Classifier classifier && workload.hasTrainingData()) {
      Evaluation train = classifier.evaluate(params, workload.train());
      if (workload.hasTestData()) {
        Evaluation test = classifier.evaluate(params, workload.test());
        return new FinalEvaluation(train.loss(), test.loss(), test.accuracy());
      }
      return new FinalEvaluation(train.loss(), Double.NaN, Double.NaN);
    }
    Dataset train = workload.train();
    Batch batch;
    if (train == null) {
      batch = new Batch(1, 0, 0);
      batch.setSize(1);
    } else {
      batch = train.asBatch();
    }
    return new FinalEvaluation(workload.model().loss(params, batch), Double.NaN, Double.NaN);
  }
}
