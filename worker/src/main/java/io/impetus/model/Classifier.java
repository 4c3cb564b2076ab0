package io.impetus.model;

import io.impetus.data.Dataset;

/**
 * A {@link Model} that scores {@link #numClasses()} classes with softmax cross-entropy. Its data
 * sets have one target per example, the class index as a float (see
 * {@link io.impetus.data.ImageDatasets}).
 *
 * <p>Contract of {@link #evaluate}: the loss is the mean over every example of {@code data} and the
 * same as {@link #loss} on the whole set as one batch (up to float summation order); the data is
 * processed in chunks through the model's preallocated buffers, so a warm call allocates only the
 * result. Like the rest of a model, not thread-safe.
 */
public interface Classifier extends Model {

  /** The number of classes, the width of the output layer. */
  int numClasses();

  /** Mean loss and accuracy of the model with {@code params} on every example of {@code data}. */
  Evaluation evaluate(float[] params, Dataset data);
}
