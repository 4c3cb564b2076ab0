package io.impetus.data;

import java.io.IOException;
import java.lang.ref.SoftReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Loads the image classification data sets from IDX files: {@code fashion-mnist} and {@code mnist}.
 *
 * <p>Where it looks: in {@code dataDir} if given, else in the data set's default folder,
 * {@code /usr/share/datasets/fashion-mnist} (where the Debian package {@code dataset-fashion-mnist}
 * puts the files) or {@code /usr/share/datasets/mnist} (no Debian package ships MNIST; put the files
 * there or pass {@code --data-dir}). In that folder it reads the standard file names,
 * {@code train-images-idx3-ubyte}, {@code train-labels-idx1-ubyte}, {@code t10k-images-idx3-ubyte}
 * and {@code t10k-labels-idx1-ubyte}, each plain or with {@code .gz} (the Debian package ships
 * {@code .gz}); for MNIST also the {@code train-images.idx3-ubyte} spelling of some archives.
 * Whether a file is gzipped is decided by its content, not its name.
 *
 * <p>Layout of the result ({@link ImageData}): input rows of {@code height × width} floats, the
 * pixel byte {@code x} stored as {@code x / 255f} so values lie in [0, 1]; target rows of a single
 * float holding the class index (exact for any integer label). A class index rather than one-hot
 * keeps targets 10× smaller and lets the loss read the label directly.
 *
 * <p>Errors: a missing file, a malformed one (wrong magic number, truncated, trailing bytes), a
 * label outside [0, 10), or image and label files of different lengths throw a
 * {@link DataFileException} that names the file and how to get the data.
 *
 * <p>Sharing: the data sets are read-only once loaded, so a JVM that hosts several workers (see
 * {@code impetus local --worker-processes}) reads and decodes a data set once: a load of the same
 * files (same paths, sizes and modification times) returns the instance already in memory for as
 * long as anyone still holds it. Thread-safe; concurrent loads of one data set wait for the first.
 */
public final class ImageDatasets {
  /** Zalando's Fashion-MNIST: 60,000 + 10,000 grey 28×28 images of clothes, 10 classes. */
  public static final String FASHION_MNIST = "fashion-mnist";
  /** LeCun's MNIST digits, same format as Fashion-MNIST. */
  public static final String MNIST = "mnist";
  /** Both data sets have ten classes. */
  public static final int CLASSES = 10;
  /** Both data sets' images are square, 28 pixels a side. */
  public static final int SIDE = 28;
  /** Both data sets' images are 28×28 = 784 pixels. */
  public static final int PIXELS = SIDE * SIDE;

  private static final List<String> NAMES = List.of(FASHION_MNIST, MNIST);

  /** Data sets in memory by the files they were read from; guarded by itself, held while a load runs. */
  private static final Map<List<Object>, SoftReference<ImageData>> LOADED = new HashMap<>();

  private ImageDatasets() {}

  /** The data set names, in the order help texts list them. */
  public static List<String> names() {
    return NAMES;
  }

  /** The folder a data set is read from when no {@code --data-dir} is given. */
  public static Path defaultDataDir(String dataset) {
    return Path.of("/usr/share/datasets", requireKnown(dataset));
  }

  /** {@code load(dataset, null)}: from the default folder. */
  public static ImageData load(String dataset) {
    return load(dataset, null);
  }

  /**
   * Reads the training and test sets of {@code dataset} from {@code dataDir} (null: the default
   * folder).
   *
   * @throws IllegalArgumentException for an unknown data set name
   * @throws DataFileException for a missing or malformed file
   */
  public static ImageData load(String dataset, Path dataDir) {
    requireKnown(dataset);
    Path dir = dataDir != null ? dataDir : defaultDataDir(dataset);
    List<Object> key = filesOf(dataset, dir);
    synchronized (LOADED) {
      SoftReference<ImageData> held = LOADED.get(key);
      ImageData data = held == null ? null : held.get();
      if (data == null) {
        data = read(dataset, dir);
        LOADED.values().removeIf(r -> r.get() == null);
        LOADED.put(key, new SoftReference<>(data));
      }
      return data;
    }
  }

  /** What identifies a load: the data set and each of its files' path, size and modification time. */
  private static List<Object> filesOf(String dataset, Path dir) {
    List<Object> key = new ArrayList<>(List.of(dataset));
    for (String split : List.of("train", "t10k")) {
      for (String[] kind : new String[][] {{"images", "idx3-ubyte"}, {"labels", "idx1-ubyte"}}) {
        Path file = find(dataset, dir, split, kind[0], kind[1]).toAbsolutePath().normalize();
        key.add(file);
        try {
          key.add(Files.size(file));
          key.add(Files.getLastModifiedTime(file));
        } catch (IOException e) {
          throw new DataFileException(file + ": " + e.getMessage() + hint(dataset, dir), e);
        }
      }
    }
    return key;
  }

  private static ImageData read(String dataset, Path dir) {
    Split train = readSplit(dataset, dir, "train");
    Split test = readSplit(dataset, dir, "t10k");
    // Both splits must be images of one size: the model's input width is fixed by the training set.
    if (test.rows() != train.rows() || test.cols() != train.cols()) {
      throw new DataFileException(dir + ": training images are " + train.rows() + "x" + train.cols()
          + " but test images " + test.rows() + "x" + test.cols() + hint(dataset, dir), null);
    }
    return new ImageData(dataset, train.data(), test.data(), train.rows(), train.cols(), CLASSES);
  }

  private record Split(Dataset data, int rows, int cols) {}

  /** The images and labels of one split ("train" or "t10k") as a data set of pixels in [0, 1] and class indices. */
  private static Split readSplit(String dataset, Path dir, String split) {
    Path imagesFile = find(dataset, dir, split, "images", "idx3-ubyte");
    Path labelsFile = find(dataset, dir, split, "labels", "idx1-ubyte");
    IdxFile.Images images;
    byte[] labels;
    try {
      images = IdxFile.readImages(imagesFile);
    } catch (IOException e) {
      throw new DataFileException(e.getMessage() + hint(dataset, dir), e);
    }
    try {
      labels = IdxFile.readLabels(labelsFile);
    } catch (IOException e) {
      throw new DataFileException(e.getMessage() + hint(dataset, dir), e);
    }
    if (labels.length != images.count()) {
      throw new DataFileException(labelsFile + ": " + labels.length + " labels, but " + imagesFile + " has "
          + images.count() + " images" + hint(dataset, dir), null);
    }
    if (images.count() == 0) {
      throw new DataFileException(imagesFile + ": holds no images" + hint(dataset, dir), null);
    }
    String name = dataset + "-" + (split.equals("train") ? "train" : "test");
    return new Split(toDataset(name, images, labels, labelsFile, dir), images.rows(), images.cols());
  }

  private static Dataset toDataset(String name, IdxFile.Images images, byte[] labels, Path labelsFile, Path dir) {
    byte[] pixels = images.pixels();
    float[] inputs = new float[pixels.length];
    for (int i = 0; i < pixels.length; i++) {
      inputs[i] = (pixels[i] & 0xff) / 255f;
    }
    float[] targets = new float[labels.length];
    for (int i = 0; i < labels.length; i++) {
      int label = labels[i] & 0xff;
      if (label >= CLASSES) {
        throw new DataFileException(labelsFile + ": label " + label + " of example " + i + " is outside [0, "
            + CLASSES + ")" + hint(name, dir), null);
      }
      targets[i] = label;
    }
    return new Dataset(name, images.count(), images.pixelsPerImage(), 1, inputs, targets);
  }

  /** The first of the accepted spellings of a file that exists in {@code dir}. */
  private static Path find(String dataset, Path dir, String split, String kind, String suffix) {
    List<String> candidates = new ArrayList<>();
    candidates.add(split + "-" + kind + "-" + suffix);
    if (dataset.equals(MNIST)) {
      candidates.add(split + "-" + kind + "." + suffix); // as in the archives some mirrors serve
    }
    List<String> withGz = new ArrayList<>();
    for (String c : candidates) {
      withGz.add(c);
      withGz.add(c + ".gz");
    }
    for (String c : withGz) {
      Path p = dir.resolve(c);
      if (Files.isRegularFile(p)) {
        return p;
      }
    }
    throw new DataFileException("missing " + dataset + " file " + dir.resolve(withGz.get(1))
        + " (looked for " + String.join(", ", withGz) + " in " + dir + ")" + hint(dataset, dir), null);
  }

  /** How to get the files, appended to every error message. */
  private static String hint(String dataset, Path dir) {
    String where = "; pass --data-dir DIR for a folder that holds the four IDX files";
    if (dataset.startsWith(FASHION_MNIST)) {
      return where + ", or install the Debian package: apt-get install dataset-fashion-mnist (it puts them in "
          + defaultDataDir(FASHION_MNIST) + ")";
    }
    return where + " (no Debian package ships MNIST: download train-images-idx3-ubyte.gz, "
        + "train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz into "
        + defaultDataDir(MNIST) + " or that folder)";
  }

  private static String requireKnown(String dataset) {
    if (!NAMES.contains(dataset)) {
      throw new IllegalArgumentException("unknown data set '" + dataset + "' (expected " + FASHION_MNIST + " or " + MNIST + ")");
    }
    return dataset;
  }
}
