package io.impetus.data;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Writes small IDX files for the tests, plain or gzipped, well-formed or deliberately not. */
public final class IdxFiles {
  private IdxFiles() {}

  /** The bytes of an image file: magic, count, rows, cols, then the pixels. */
  public static byte[] images(int count, int rows, int cols, byte[] pixels) {
    return bytes(IdxFile.IMAGES_MAGIC, new int[] {count, rows, cols}, pixels);
  }

  /** The bytes of a label file: magic, count, then the labels. */
  public static byte[] labels(byte[] labels) {
    return bytes(IdxFile.LABELS_MAGIC, new int[] {labels.length}, labels);
  }

  public static byte[] bytes(int magic, int[] dims, byte[] body) {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(buffer)) {
      out.writeInt(magic);
      for (int d : dims) {
        out.writeInt(d);
      }
      out.write(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return buffer.toByteArray();
  }

  /** Writes {@code content} to {@code file}, gzipped if {@code gzip}. */
  public static Path write(Path file, byte[] content, boolean gzip) throws IOException {
    try (OutputStream out = gzip ? new GZIPOutputStream(Files.newOutputStream(file)) : Files.newOutputStream(file)) {
      out.write(content);
    }
    return file;
  }

  /** Pixel i of a test image set: a pattern that covers 0 and 255. */
  public static byte[] pattern(int length) {
    byte[] pixels = new byte[length];
    for (int i = 0; i < length; i++) {
      pixels[i] = (byte) (i * 37 % 256);
    }
    pixels[0] = 0;
    if (length > 1) {
      pixels[1] = (byte) 255;
    }
    return pixels;
  }

  /**
   * Writes the four standard files of a tiny data set into {@code dir}: {@code trainCount} and
   * {@code testCount} images of rows×cols, labels {@code i mod 10}, gzipped or not.
   */
  public static void writeDataSet(Path dir, int trainCount, int testCount, int rows, int cols, boolean gzip) throws IOException {
    String suffix = gzip ? ".gz" : "";
    write(dir.resolve("train-images-idx3-ubyte" + suffix), images(trainCount, rows, cols, pattern(trainCount * rows * cols)), gzip);
    write(dir.resolve("train-labels-idx1-ubyte" + suffix), labels(cyclicLabels(trainCount)), gzip);
    write(dir.resolve("t10k-images-idx3-ubyte" + suffix), images(testCount, rows, cols, pattern(testCount * rows * cols)), gzip);
    write(dir.resolve("t10k-labels-idx1-ubyte" + suffix), labels(cyclicLabels(testCount)), gzip);
  }

  public static byte[] cyclicLabels(int count) {
    byte[] labels = new byte[count];
    for (int i = 0; i < count; i++) {
      labels[i] = (byte) (i % 10);
    }
    return labels;
  }
}
