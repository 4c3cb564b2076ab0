package io.impetus.model;

import io.impetus.data.ImageDatasets;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Where a workload's data comes from and the model-shape choices the command line makes:
 * {@code dataset} ({@code fashion-mnist} or {@code mnist}, for the image models), {@code dataDir}
 * (null: the data set's default folder, see {@link ImageDatasets}), {@code hidden} (the hidden
 * widths of {@code mlp}) and {@code dataSeed} (for the synthetic data sets; every worker of a run
 * must use the same one).
 */
public record DataOptions(String dataset, Path dataDir, int[] hidden, long dataSeed) {

  /** Checks the data set name and hidden widths; copies the array. */
  public DataOptions {
    if (!ImageDatasets.names().contains(dataset)) {
      throw new IllegalArgumentException("unknown data set '" + dataset + "' (expected "
          + String.join(" or ", ImageDatasets.names()) + ")");
    }
    hidden = hidden.clone();
    for (int h : hidden) {
      if (h < 1) {
        throw new IllegalArgumentException("hidden widths must be at least 1, got " + Arrays.toString(hidden));
      }
    }
  }

  /** Fashion-MNIST from its default folder, hidden widths 256,128, the default data seed. */
  public static DataOptions defaults() {
    return new DataOptions(ImageDatasets.FASHION_MNIST, null, Mlp.DEFAULT_HIDDEN, ModelCatalog.DATA_SEED);
  }

  /** The same options with another data set. */
  public DataOptions withDataset(String name) {
    return new DataOptions(name, dataDir, hidden, dataSeed);
  }

  /** The same options reading from {@code dir} (null: the default folder). */
  public DataOptions withDataDir(Path dir) {
    return new DataOptions(dataset, dir, hidden, dataSeed);
  }

  /** The same options with other hidden widths for {@code mlp}. */
  public DataOptions withHidden(int... widths) {
    return new DataOptions(dataset, dataDir, widths, dataSeed);
  }

  /** The same options with another seed for the synthetic data sets. */
  public DataOptions withDataSeed(long seed) {
    return new DataOptions(dataset, dataDir, hidden, seed);
  }

  /** The hidden widths (a copy: a record's array would otherwise be shared). */
  @Override
  public int[] hidden() {
    return hidden.clone();
  }

  /**
   * Parses a comma-separated list of hidden widths as the command line gives it, e.g. {@code 256,128}.
   *
   * @throws IllegalArgumentException naming the text if it is not a list of positive integers
   */
  public static int[] parseHidden(String text) {
    // Limit -1 keeps trailing empty parts, so "256," is an error rather than [256].
    String[] parts = text.trim().split("\\s*,\\s*", -1);
    int[] widths = new int[parts.length];
    for (int i = 0; i < parts.length; i++) {
      try {
        widths[i] = Integer.parseInt(parts[i]);
      } catch (NumberFormatException e) {
        widths[i] = 0;
      }
      if (widths[i] < 1) {
        throw new IllegalArgumentException("hidden widths must be positive integers separated by commas, got '" + text + "'");
      }
    }
    return widths;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DataOptions d && dataset.equals(d.dataset) && java.util.Objects.equals(dataDir, d.dataDir)
        && Arrays.equals(hidden, d.hidden) && dataSeed == d.dataSeed;
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(dataset, dataDir, Arrays.hashCode(hidden), dataSeed);
  }

  @Override
  public String toString() {
    return "DataOptions[dataset=" + dataset + ", dataDir=" + dataDir + ", hidden=" + Arrays.toString(hidden)
        + ", dataSeed=" + dataSeed + "]";
  }
}
