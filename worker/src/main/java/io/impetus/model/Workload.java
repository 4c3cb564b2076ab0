package io.impetus.model;

import io.impetus.data.Dataset;
import java.util.Objects;

/**
 * What a worker trains: a model and its training set. {@code train} is null for a data-free model
 * such as {@link Quadratic}, whose loss ignores the batch.
 */
public record Workload(Model model, Dataset train) {

  /** Requires a model; the data set may be null. */
  public Workload {
    Objects.requireNonNull(model, "model");
  }

  /** Whether there is a training set to partition and batch. */
  public boolean hasTrainingData() {
    return train != null;
  }
}
