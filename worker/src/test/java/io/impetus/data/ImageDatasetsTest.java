package io.impetus.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ImageDatasets turns the four IDX files of a data set into a training and a test set of pixels in
 * [0, 1] and class indices, and says which file is wrong and how to get the data when it cannot.
 */
class ImageDatasetsTest {
  @TempDir
  Path dir;

  @Test
  void loadsTheStandardGzippedFiles() throws IOException {
    IdxFiles.writeDataSet(dir, 12, 5, 4, 3, true);
    ImageData data = ImageDatasets.load("fashion-mnist", dir);
    assertEquals(4, data.height());
    assertEquals(3, data.width());
    assertEquals(12, data.pixels());
    assertEquals(10, data.classes());
    Dataset train = data.train();
    assertEquals("fashion-mnist-train", train.name());
    assertEquals(12, train.size());
    assertEquals(12, train.inputDim());
    assertEquals(1, train.targetDim());
    assertEquals(5, data.test().size());
    assertEquals("fashion-mnist-test", data.test().name());
  }

  @Test
  void scalesPixelsToTheUnitIntervalAndKeepsLabelsAsClassIndices() throws IOException {
    IdxFiles.writeDataSet(dir, 12, 5, 4, 3, false);
    Dataset train = ImageDatasets.load("fashion-mnist", dir).train();
    byte[] pixels = IdxFiles.pattern(12 * 12);
    for (int i = 0; i < pixels.length; i++) {
      assertEquals((pixels[i] & 0xff) / 255f, train.inputs()[i], "pixel " + i);
    }
    assertEquals(0f, train.inputs()[0]);
    assertEquals(1f, train.inputs()[1]);
    for (int i = 0; i < 12; i++) {
      assertEquals(i % 10, train.targets()[i], "label " + i);
    }
  }

  @Test
  void workersOfOneJvmShareOneLoadOfTheSameFilesAndAChangedFileIsReadAfresh() throws IOException {
    IdxFiles.writeDataSet(dir, 12, 5, 4, 3, true);
    ImageData first = ImageDatasets.load("fashion-mnist", dir);
    assertTrue(first == ImageDatasets.load("fashion-mnist", dir), "the same files give the instance in memory");
    // Another data set in the same place is new files: read again, not served from memory.
    IdxFiles.writeDataSet(dir, 20, 5, 4, 3, true);
    ImageData second = ImageDatasets.load("fashion-mnist", dir);
    assertEquals(20, second.train().size());
    assertEquals(12, first.train().size());
  }

  @Test
  void plainAndGzippedFilesGiveTheSameData() throws IOException {
    Path plain = Files.createDirectory(dir.resolve("plain"));
    Path gzip = Files.createDirectory(dir.resolve("gzip"));
    IdxFiles.writeDataSet(plain, 7, 3, 2, 2, false);
    IdxFiles.writeDataSet(gzip, 7, 3, 2, 2, true);
    ImageData a = ImageDatasets.load("mnist", plain);
    ImageData b = ImageDatasets.load("mnist", gzip);
    assertTrue(java.util.Arrays.equals(a.train().inputs(), b.train().inputs()));
    assertTrue(java.util.Arrays.equals(a.test().targets(), b.test().targets()));
  }

  @Test
  void aMissingFileIsNamedWithHowToGetIt() throws IOException {
    IdxFiles.writeDataSet(dir, 4, 2, 2, 2, true);
    Files.delete(dir.resolve("t10k-labels-idx1-ubyte.gz"));
    DataFileException e = assertThrows(DataFileException.class, () -> ImageDatasets.load("fashion-mnist", dir));
    String message = e.getMessage();
    assertTrue(message.startsWith("missing fashion-mnist file " + dir.resolve("t10k-labels-idx1-ubyte.gz")), message);
    assertTrue(message.contains("apt-get install dataset-fashion-mnist"), message);
    assertTrue(message.contains("--data-dir"), message);
  }

  @Test
  void mnistErrorsSayNoPackageShipsIt() {
    DataFileException e = assertThrows(DataFileException.class, () -> ImageDatasets.load("mnist", dir));
    assertTrue(e.getMessage().contains("train-images-idx3-ubyte"), e.getMessage());
    assertTrue(e.getMessage().contains("no Debian package ships MNIST"), e.getMessage());
    assertTrue(e.getMessage().contains("--data-dir"), e.getMessage());
  }

  @Test
  void mnistAlsoAcceptsTheDottedSpelling() throws IOException {
    IdxFiles.writeDataSet(dir, 4, 2, 2, 2, false);
    for (String split : new String[] {"train", "t10k"}) {
      for (String kind : new String[] {"images-idx3-ubyte", "labels-idx1-ubyte"}) {
        String dotted = split + "-" + kind.replaceFirst("-idx", ".idx");
        Files.move(dir.resolve(split + "-" + kind), dir.resolve(dotted));
      }
    }
    assertEquals(4, ImageDatasets.load("mnist", dir).train().size());
  }

  @Test
  void aMalformedFileIsNamedWithHowToGetAGoodOne() throws IOException {
    IdxFiles.writeDataSet(dir, 4, 2, 2, 2, false);
    Path images = dir.resolve("train-images-idx3-ubyte");
    IdxFiles.write(images, IdxFiles.bytes(0x00000802, new int[] {4, 2, 2}, new byte[16]), false);
    DataFileException e = assertThrows(DataFileException.class, () -> ImageDatasets.load("fashion-mnist", dir));
    assertTrue(e.getMessage().startsWith(images + ": not an IDX images file: magic number 0x00000802"), e.getMessage());
    assertTrue(e.getMessage().contains("apt-get install dataset-fashion-mnist"), e.getMessage());
  }

  @Test
  void imageAndLabelCountsMustAgree() throws IOException {
    IdxFiles.writeDataSet(dir, 4, 2, 2, 2, false);
    Path labels = dir.resolve("train-labels-idx1-ubyte");
    IdxFiles.write(labels, IdxFiles.labels(new byte[] {1, 2, 3}), false);
    DataFileException e = assertThrows(DataFileException.class, () -> ImageDatasets.load("fashion-mnist", dir));
    assertTrue(e.getMessage().startsWith(labels + ": 3 labels, but " + dir.resolve("train-images-idx3-ubyte")
        + " has 4 images"), e.getMessage());
  }

  @Test
  void labelsMustBeClassIndicesBelowTen() throws IOException {
    IdxFiles.writeDataSet(dir, 4, 2, 2, 2, false);
    Path labels = dir.resolve("t10k-labels-idx1-ubyte");
    IdxFiles.write(labels, IdxFiles.labels(new byte[] {1, 10}), false);
    DataFileException e = assertThrows(DataFileException.class, () -> ImageDatasets.load("fashion-mnist", dir));
    assertTrue(e.getMessage().startsWith(labels + ": label 10 of example 1 is outside [0, 10)"), e.getMessage());
  }

  @Test
  void trainAndTestImagesMustHaveOneSize() throws IOException {
    IdxFiles.writeDataSet(dir, 4, 2, 2, 2, false);
    IdxFiles.write(dir.resolve("t10k-images-idx3-ubyte"), IdxFiles.images(2, 1, 4, new byte[8]), false);
    DataFileException e = assertThrows(DataFileException.class, () -> ImageDatasets.load("fashion-mnist", dir));
    assertTrue(e.getMessage().contains("training images are 2x2 but test images 1x4"), e.getMessage());
  }

  @Test
  void unknownDataSetNamesTheChoices() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ImageDatasets.load("cifar", dir));
    assertEquals("unknown data set 'cifar' (expected fashion-mnist or mnist)", e.getMessage());
  }

  @Test
  void defaultFoldersAreWhereDebianPutsThem() {
    assertEquals(Path.of("/usr/share/datasets/fashion-mnist"), ImageDatasets.defaultDataDir("fashion-mnist"));
    assertEquals(Path.of("/usr/share/datasets/mnist"), ImageDatasets.defaultDataDir("mnist"));
  }

  /** Runs only where the Debian package is installed; the build never needs the real data. */
  @Test
  void theRealFashionMnistHasItsDocumentedShape() {
    assumeTrue(Files.isDirectory(ImageDatasets.defaultDataDir("fashion-mnist")), "dataset-fashion-mnist not installed");
    ImageData data = ImageDatasets.load("fashion-mnist");
    assertEquals(60_000, data.train().size());
    assertEquals(10_000, data.test().size());
    assertEquals(28, data.height());
    assertEquals(28, data.width());
    int[] perClass = new int[10];
    for (float label : data.test().targets()) {
      perClass[(int) label]++;
    }
    assertEquals(java.util.Collections.nCopies(10, 1000).toString(), java.util.Arrays.toString(perClass));
  }
}
