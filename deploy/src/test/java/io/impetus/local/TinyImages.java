package io.impetus.local;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

/**
 * Writes a tiny Fashion-MNIST-shaped data set (gzip IDX files with the standard names) whose ten
 * classes are easy: an image of class c has a bright 4x4 block at a position that depends on c,
 * over faint noise. Enough for a test to see a classifier learn, without the real data set.
 */
final class TinyImages {
  private TinyImages() {}

  static Path write(Path dir, int train, int test) throws IOException {
    Files.createDirectories(dir);
    Random random = new Random(17);
    write(dir, "train", train, random);
    write(dir, "t10k", test, random);
    return dir;
  }

  private static void write(Path dir, String prefix, int count, Random random) throws IOException {
    byte[] labels = new byte[count];
    byte[] pixels = new byte[count * 28 * 28];
    for (int i = 0; i < count; i++) {
      int c = i % 10;
      labels[i] = (byte) c;
      for (int p = 0; p < 28 * 28; p++) {
        pixels[i * 784 + p] = (byte) random.nextInt(40);
      }
      int row = 2 + (c / 5) * 12;
      int col = 2 + (c % 5) * 5;
      for (int r = row; r < row + 4; r++) {
        for (int k = col; k < col + 4; k++) {
          pixels[i * 784 + r * 28 + k] = (byte) 250;
        }
      }
    }
    try (DataOutputStream out = gzip(dir.resolve(prefix + "-images-idx3-ubyte.gz"))) {
      out.writeInt(0x00000803);
      out.writeInt(count);
      out.writeInt(28);
      out.writeInt(28);
      out.write(pixels);
    }
    try (DataOutputStream out = gzip(dir.resolve(prefix + "-labels-idx1-ubyte.gz"))) {
      out.writeInt(0x00000801);
      out.writeInt(count);
      out.write(labels);
    }
  }

  private static DataOutputStream gzip(Path file) throws IOException {
    OutputStream raw = Files.newOutputStream(file);
    return new DataOutputStream(new GZIPOutputStream(raw));
  }
}
