package io.impetus.local;

import io.impetus.data.Batch;
import io.impetus.data.Dataset;
import io.impetus.model.Classifier;
import io.impetus.model.Evaluation;
import io.impetus.model.Workload;

/**
 * The final parameters judged on whole data sets: the training loss (every model) and, for a
 * classifier with a test set, the test loss and accuracy.
 */
record FinalEvaluation(double trainLoss, double testLoss, double testAccuracy) {

  boolean hasTest() {
    return !Double.isNaN(testAccuracy);
  }

  static FinalEvaluation of(Workload workload, float[] params) {
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
