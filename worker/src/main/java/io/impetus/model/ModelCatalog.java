package io.impetus.model;

import io.impetus.data.ImageData;
import io.impetus.data.ImageDatasets;
import io.impetus.data.SyntheticData;
import java.util.List;

/**
 * The workloads the command line can name: {@code linear} (linear regression, d = 10, on
 * {@link SyntheticData#linear(long)}), {@code mlp-x2} (a 1-20-1 ReLU network on
 * {@link SyntheticData#squareCurve(long)}), {@code quadratic} (x² + 10y² from (10, 1), no data),
 * and the image classifiers on the data set {@link DataOptions} names (Fashion-MNIST by default),
 * each with its test set: {@code softmax} (784 → 10, {@link Mlp#softmaxRegression}), {@code mlp}
 * (784 → 256 → 128 → 10 with ReLU, hidden widths from {@link DataOptions#hidden()}) and {@code cnn}
 * ({@link Cnn}). Creating an image workload reads the data set's files, and fails with a
 * {@link io.impetus.data.DataFileException} saying how to get them when they are missing.
 *
 * <p>Two seeds play separate parts in a run. The <em>data seed</em> given here fixes the training
 * set; every worker process of a run must pass the same one (the default {@link #DATA_SEED} unless
 * the user changes it) so that they all partition the same data. The <em>init seed</em> is passed
 * to {@link Model#initialize} by whichever worker initializes the shards. Generation mixes the data
 * seed before use, so passing one number for both does not correlate data and initial weights.
 */
public final class ModelCatalog {
  /** The data seed a run uses unless told otherwise. */
  public static final long DATA_SEED = 0L;

  private static final List<String> NAMES = List.of("linear", "mlp-x2", "quadratic", "softmax", "mlp", "cnn");
  private static final List<String> IMAGE_MODELS = List.of("softmax", "mlp", "cnn");

  private ModelCatalog() {}

  /** The model names, in the order help texts list them. */
  public static List<String> names() {
    return NAMES;
  }

  /** {@code create(name, DATA_SEED)}. */
  public static Workload create(String name) {
    return create(name, DATA_SEED);
  }

  /**
   * A fresh model named {@code name} with its training set generated from {@code dataSeed}; the
   * same arguments give the same data in every process.
   *
   * @throws IllegalArgumentException if no model has that name
   */
  public static Workload create(String name, long dataSeed) {
    return create(name, DataOptions.defaults().withDataSeed(dataSeed));
  }

  /** Whether model {@code name} trains on an image data set (and so reads files when created). */
  public static boolean usesImageData(String name) {
    return name != null && IMAGE_MODELS.contains(name);
  }

  /**
   * A fresh model named {@code name} with its data: synthetic data sets from
   * {@code data.dataSeed()}, image data sets read as {@code data} says.
   *
   * @throws IllegalArgumentException if no model has that name
   * @throws io.impetus.data.DataFileException if an image data set's files are missing or malformed
   */
  public static Workload create(String name, DataOptions data) {
    if (usesImageData(name)) {
      ImageData images = ImageDatasets.load(data.dataset(), data.dataDir());
      return new Workload(imageModel(name, images.height(), images.width(), images.classes(), data), images.train(),
          images.test());
    }
    Model model = syntheticModel(name);
    long dataSeed = data.dataSeed();
    return switch (name) {
      case "linear" -> new Workload(model, SyntheticData.linear(dataSeed));
      case "mlp-x2" -> new Workload(model, SyntheticData.squareCurve(dataSeed));
      default -> new Workload(model, null);
    };
  }

  /**
   * The parameter layout of model {@code name} as a worker that creates it with {@code data} has it,
   * without reading any data: the image models are laid out for the data sets' images ({@link
   * ImageDatasets#SIDE} × {@link ImageDatasets#SIDE} pixels, {@link ImageDatasets#CLASSES} classes).
   * It is what a shard that knows no data is told to expect ({@code impetus server --model}).
   *
   * @throws IllegalArgumentException if no model has that name
   */
  public static ParameterLayout layout(String name, DataOptions data) {
    if (usesImageData(name)) {
      return imageModel(name, ImageDatasets.SIDE, ImageDatasets.SIDE, ImageDatasets.CLASSES, data).layout();
    }
    return syntheticModel(name).layout();
  }

  /** The model {@code name} of the workloads without image data. */
  private static Model syntheticModel(String name) {
    switch (String.valueOf(name)) {
      case "linear":
        return new LinearRegression();
      case "mlp-x2":
        return new Mlp1D();
      case "quadratic":
        return new Quadratic();
      default:
        throw new IllegalArgumentException(
            "unknown model '" + name + "' (expected " + String.join(", ", NAMES.subList(0, NAMES.size() - 1))
                + " or " + NAMES.get(NAMES.size() - 1) + ")");
    }
  }

  /** The classifier {@code name} sized for images of {@code height × width} pixels and {@code classes} classes. */
  private static Classifier imageModel(String name, int height, int width, int classes, DataOptions data) {
    switch (name) {
      case "softmax":
        return Mlp.softmaxRegression(height * width, classes);
      case "mlp":
        return new Mlp(height * width, data.hidden(), classes);
      default:
        return new Cnn(height, width, 32, 64, 5, 128, classes);
    }
  }
}
