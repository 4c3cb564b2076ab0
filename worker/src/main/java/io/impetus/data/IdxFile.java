package io.impetus.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads the IDX files that MNIST and Fashion-MNIST ship in: a big-endian magic number
 * ({@code 0x00000803} for an image file of unsigned bytes in three dimensions, {@code 0x00000801}
 * for a label file of unsigned bytes in one), the dimension sizes as big-endian ints, then the
 * bytes. A file that starts with the gzip magic {@code 0x1f 0x8b} is decompressed on the fly, so
 * {@code .gz} and plain files both work whatever their names say.
 *
 * <p>Contract: every method either returns the whole content or throws an {@link IOException}
 * whose message names the file and says what is wrong with it (bad magic, truncated, absurd
 * dimensions). Trailing bytes after the declared content are an error too, because they mean the
 * header does not describe the file.
 */
public final class IdxFile {
  /** Magic number of an IDX file of unsigned bytes with three dimensions (images). */
  public static final int IMAGES_MAGIC = 0x00000803;
  /** Magic number of an IDX file of unsigned bytes with one dimension (labels). */
  public static final int LABELS_MAGIC = 0x00000801;

  private IdxFile() {}

  /** The images of an IDX3 file: {@code count} images of {@code rows × cols} unsigned bytes, row-major. */
  public record Images(int count, int rows, int cols, byte[] pixels) {
    /** Pixels per image. */
    public int pixelsPerImage() {
      return rows * cols;
    }
  }

  /** Reads an image file ({@link #IMAGES_MAGIC}). */
  public static Images readImages(Path file) throws IOException {
    try {
      return images(file);
    } catch (IOException e) {
      throw namingFile(file, e);
    }
  }

  /** Reads a label file ({@link #LABELS_MAGIC}): one unsigned byte per example. */
  public static byte[] readLabels(Path file) throws IOException {
    try {
      return labels(file);
    } catch (IOException e) {
      throw namingFile(file, e);
    }
  }

  /** {@code e} if its message already names the file, else an exception that does (a gzip or I/O fault). */
  private static IOException namingFile(Path file, IOException e) {
    String message = String.valueOf(e.getMessage());
    if (message.startsWith(file.toString())) {
      return e;
    }
    return new IOException(file + ": cannot read: " + e, e);
  }

  private static Images images(Path file) throws IOException {
    try (DataInputStream in = open(file)) {
      requireMagic(file, in, IMAGES_MAGIC, "images");
      int count = readDimension(file, in, "image count");
      int rows = readDimension(file, in, "rows");
      int cols = readDimension(file, in, "columns");
      long total = (long) count * rows * cols;
      if (total > Integer.MAX_VALUE - 8) {
        throw new IOException(file + ": header declares " + count + " images of " + rows + "x" + cols
            + " pixels, too many to hold in one array");
      }
      byte[] pixels = readBody(file, in, (int) total, count + " images of " + rows + "x" + cols);
      return new Images(count, rows, cols, pixels);
    }
  }

  private static byte[] labels(Path file) throws IOException {
    try (DataInputStream in = open(file)) {
      requireMagic(file, in, LABELS_MAGIC, "labels");
      int count = readDimension(file, in, "label count");
      return readBody(file, in, count, count + " labels");
    }
  }

  private static DataInputStream open(Path file) throws IOException {
    InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    try {
      // Peek at the first two bytes: gzip's magic cannot start an IDX file, whose magic begins 0x00.
      raw.mark(2);
      int b0 = raw.read();
      int b1 = raw.read();
      raw.reset();
      InputStream in = b0 == 0x1f && b1 == 0x8b ? new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16) : raw;
      return new DataInputStream(in);
    } catch (IOException e) {
      raw.close();
      throw e;
    }
  }

  private static void requireMagic(Path file, DataInputStream in, int expected, String what) throws IOException {
    int magic;
    try {
      magic = in.readInt();
    } catch (EOFException e) {
      throw new IOException(file + ": truncated: shorter than the 4-byte IDX magic number", e);
    }
    if (magic != expected) {
      throw new IOException(String.format(
          "%s: not an IDX %s file: magic number 0x%08x, expected 0x%08x", file, what, magic, expected));
    }
  }

  private static int readDimension(Path file, DataInputStream in, String what) throws IOException {
    int value;
    try {
      value = in.readInt();
    } catch (EOFException e) {
      throw new IOException(file + ": truncated inside the header (while reading the " + what + ")", e);
    }
    if (value < 0) {
      throw new IOException(file + ": header declares a negative " + what + " (" + value + ")");
    }
    return value;
  }

  private static byte[] readBody(Path file, DataInputStream in, int length, String what) throws IOException {
    byte[] body = new byte[length];
    int read = in.readNBytes(body, 0, length);
    if (read < length) {
      throw new IOException(file + ": truncated: header declares " + what + " (" + length
          + " bytes) but only " + read + " follow");
    }
    if (in.read() != -1) {
      throw new IOException(file + ": " + what + " declared, but the file has more bytes after them");
    }
    return body;
  }
}
