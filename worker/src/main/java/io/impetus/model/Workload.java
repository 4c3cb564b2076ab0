package io.impetus.model;

import io.impetus.data.Dataset;
import java.util.Objects;

/**
 * What a worker trains: a model, its training set and, for models that are evaluated on held-out
 * data (the image classifiers), a test set. {@code train} is null for a data-free model such as
 * {@link Quadratic}, whose loss ignores the batch; {@code test} is null when there is none.
 */
public record Workload(Model model, Dataset train, Dataset test) {

  /** Requires a model; the data sets may be null. */
  public Workload {
    Objects.requireNonNull(model, "model");
  }

  /** A workload without a test set. */
  public Workload(Model model, Dataset train) {
    this(model, train, null);
  }

  /** Whether there is a training set to partition and batch. */
  public boolean hasTrainingData() {
    return train != null;
  }

  /** Whether there is a held-out test set to evaluate on. */
  public boolean hasTestData() {
    return test != null;
  }
}
