package io.impetus.data;

/**
 * A labelled image data set split into a training and a test set, both in the layout of
 * {@link ImageDatasets}: each input row is one {@code height × width} single-channel image, row-major,
 * pixels in [0, 1]; each target row is one float holding the class index in [0, classes).
 */
public record ImageData(String name, Dataset train, Dataset test, int height, int width, int classes) {

  /** Checks that both sets have rows of one image and one class index. */
  public ImageData {
    for (Dataset d : new Dataset[] {train, test}) {
      if (d.inputDim() != height * width || d.targetDim() != 1) {
        throw new IllegalArgumentException(d.name() + " rows are " + d.inputDim() + " -> " + d.targetDim()
            + ", expected " + height * width + " -> 1");
      }
    }
  }

  /** Pixels per image, the input width of a model. */
  public int pixels() {
    return height * width;
  }
}
