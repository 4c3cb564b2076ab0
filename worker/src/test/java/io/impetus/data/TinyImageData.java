package io.impetus.data;

import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;

/**
 * A tiny Fashion-MNIST-shaped data set for tests of other modules (shipped in the worker's test
 * jar): the four gzipped IDX files under their standard names, 28x28 images whose ten classes are
 * easy to tell apart (class c is a bright 5x5 block in cell (c / 5, c % 5) over dim noise). Enough
 * to see a classifier learn without the real data set.
 */
public final class TinyImageData {
  private TinyImageData() {}

  /** Writes {@code train} training and {@code test} test images into {@code dir}; returns it. */
  public static Path write(Path dir, int train, int test) throws IOException {
    Files.createDirectories(dir);
    SplittableRandom rng = new SplittableRandom(7);
    write(dir, "train", train, rng);
    write(dir, "t10k", test, rng);
    return dir;
  }

  private static void write(Path dir, String split, int n, SplittableRandom rng) throws IOException {
    byte[] labels = new byte[n];
    byte[] pixels = new byte[n * 28 * 28];
    for (int i = 0; i < n; i++) {
      int c = i % 10;
      labels[i] = (byte) c;
      int top = 3 + 12 * (c / 5);
      int left = 2 + 5 * (c % 5);
      for (int y = 0; y < 28; y++) {
        for (int x = 0; x < 28; x++) {
          boolean in = y >= top && y < top + 5 && x >= left && x < left + 5;
          pixels[i * 784 + y * 28 + x] = (byte) (in ? 200 + rng.nextInt(56) : rng.nextInt(40));
        }
      }
    }
    try (DataOutputStream out = gzip(dir.resolve(split + "-images-idx3-ubyte.gz"))) {
      out.writeInt(0x00000803);
      out.writeInt(n);
      out.writeInt(28);
      out.writeInt(28);
      out.write(pixels);
    }
    try (DataOutputStream out = gzip(dir.resolve(split + "-labels-idx1-ubyte.gz"))) {
      out.writeInt(0x00000801);
      out.writeInt(n);
      out.write(labels);
    }
  }

  private static DataOutputStream gzip(Path file) throws IOException {
    return new DataOutputStream(new GZIPOutputStream(Files.newOutputStream(file)));
  }
}
