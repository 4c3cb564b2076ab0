package io.impetus.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** IdxFile reads IDX images and labels, plain or gzipped, and names the file and the fault when it cannot. */
class IdxFileTest {
  @TempDir
  Path dir;

  @Test
  void readsPlainAndGzippedImagesAlike() throws IOException {
    byte[] pixels = IdxFiles.pattern(3 * 2 * 4);
    byte[] content = IdxFiles.images(3, 2, 4, pixels);
    for (boolean gzip : new boolean[] {false, true}) {
      // The name says nothing: gzip is recognized by its magic bytes.
      IdxFile.Images images = IdxFile.readImages(IdxFiles.write(dir.resolve("images" + gzip), content, gzip));
      assertEquals(3, images.count());
      assertEquals(2, images.rows());
      assertEquals(4, images.cols());
      assertEquals(8, images.pixelsPerImage());
      assertArrayEquals(pixels, images.pixels());
    }
  }

  @Test
  void readsPlainAndGzippedLabelsAlike() throws IOException {
    byte[] labels = {3, 0, 9, 1};
    for (boolean gzip : new boolean[] {false, true}) {
      assertArrayEquals(labels, IdxFile.readLabels(IdxFiles.write(dir.resolve("labels" + gzip), IdxFiles.labels(labels), gzip)));
    }
  }

  @Test
  void anEmptySetIsReadAsEmpty() throws IOException {
    assertEquals(0, IdxFile.readLabels(IdxFiles.write(dir.resolve("l"), IdxFiles.labels(new byte[0]), false)).length);
  }

  @Test
  void aLabelFileIsNotAnImageFile() throws IOException {
    Path file = IdxFiles.write(dir.resolve("labels"), IdxFiles.labels(new byte[] {1, 2}), true);
    IOException e = assertThrows(IOException.class, () -> IdxFile.readImages(file));
    assertEquals(file + ": not an IDX images file: magic number 0x00000801, expected 0x00000803", e.getMessage());
  }

  @Test
  void badMagicIsRejectedWithBothNumbers() throws IOException {
    Path file = IdxFiles.write(dir.resolve("junk"), IdxFiles.bytes(0x12345678, new int[] {1}, new byte[1]), false);
    IOException e = assertThrows(IOException.class, () -> IdxFile.readLabels(file));
    assertEquals(file + ": not an IDX labels file: magic number 0x12345678, expected 0x00000801", e.getMessage());
  }

  @Test
  void truncatedBodyIsRejectedWithDeclaredAndActualLength() throws IOException {
    byte[] whole = IdxFiles.images(2, 3, 3, IdxFiles.pattern(18));
    for (boolean gzip : new boolean[] {false, true}) {
      Path file = IdxFiles.write(dir.resolve("cut" + gzip), Arrays.copyOf(whole, whole.length - 5), gzip);
      IOException e = assertThrows(IOException.class, () -> IdxFile.readImages(file));
      assertEquals(file + ": truncated: header declares 2 images of 3x3 (18 bytes) but only 13 follow", e.getMessage());
    }
  }

  @Test
  void truncatedHeaderAndEmptyFileAreRejected() throws IOException {
    byte[] whole = IdxFiles.images(2, 3, 3, IdxFiles.pattern(18));
    Path header = IdxFiles.write(dir.resolve("header"), Arrays.copyOf(whole, 10), false);
    IOException e = assertThrows(IOException.class, () -> IdxFile.readImages(header));
    assertEquals(header + ": truncated inside the header (while reading the rows)", e.getMessage());
    Path empty = IdxFiles.write(dir.resolve("empty"), new byte[0], false);
    e = assertThrows(IOException.class, () -> IdxFile.readLabels(empty));
    assertEquals(empty + ": truncated: shorter than the 4-byte IDX magic number", e.getMessage());
  }

  @Test
  void trailingBytesMeanTheHeaderIsWrong() throws IOException {
    byte[] whole = IdxFiles.labels(new byte[] {1, 2, 3});
    Path file = IdxFiles.write(dir.resolve("long"), Arrays.copyOf(whole, whole.length + 1), false);
    IOException e = assertThrows(IOException.class, () -> IdxFile.readLabels(file));
    assertTrue(e.getMessage().startsWith(file + ": 3 labels declared, but the file has more bytes"), e.getMessage());
  }

  @Test
  void corruptGzipIsRejectedNamingTheFile() throws IOException {
    byte[] junk = {0x1f, (byte) 0x8b, 8, 0, 1, 2, 3};
    Path file = IdxFiles.write(dir.resolve("bad.gz"), junk, false);
    IOException e = assertThrows(IOException.class, () -> IdxFile.readLabels(file));
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
  }
}
