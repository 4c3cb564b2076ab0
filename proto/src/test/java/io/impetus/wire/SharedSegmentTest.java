package io.impetus.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The segment file a worker creates and a shard maps: what goes in comes out bit for bit on the
 * other side, non-finite gradients are found while copying, and the shard opens only the very file
 * the worker created, inside its folder.
 */
class SharedSegmentTest {
  /** Values whose bits must survive: signed zero, the smallest subnormal, extremes, a NaN payload. */
  private static final float[] SPECIAL = {
    -0.0f, Float.MIN_VALUE, Float.MAX_VALUE, -Float.MAX_VALUE, Float.MIN_NORMAL, 1e30f, -3.25f,
  };

  @TempDir Path tmp;
  private Path dir;

  @BeforeEach
  void folder() throws IOException {
    dir = Files.createDirectory(tmp.resolve("shm"));
  }

  private static int[] bits(float[] values, int from, int length) {
    int[] bits = new int[length];
    for (int i = 0; i < length; i++) {
      bits[i] = Float.floatToRawIntBits(values[from + i]);
    }
    return bits;
  }

  /** The refusal of {@code open}: its message says which check failed. */
  private String refusal(Path file, long nonce, int length) {
    return assertThrows(IOException.class, () -> SharedSegment.open(dir, file, nonce, length)).getMessage();
  }

  private Path inFolder(String name) throws IOException {
    return dir.toRealPath().resolve(name);
  }

  @Test
  void bothRegionsRoundTripBitForBitAtAnOffsetOfTheCallersArrays() throws Exception {
    int n = SPECIAL.length;
    SharedSegment worker = SharedSegment.create(dir, "w0-s1", n);
    SharedSegment shard = SharedSegment.open(dir, worker.path(), worker.nonce(), n);

    float[] gradient = new float[n + 5];
    Arrays.fill(gradient, 99f); // outside [3, 3 + n): must not be sent
    System.arraycopy(SPECIAL, 0, gradient, 3, n);
    worker.writeGradient(gradient, 3);
    float[] received = new float[n];
    assertEquals(-1, shard.readGradientChecked(received));
    assertArrayEquals(bits(SPECIAL, 0, n), bits(received, 0, n));

    float[] slice = SPECIAL.clone();
    slice[n - 1] = Float.intBitsToFloat(0x7fc0_1234); // a NaN payload too: the slice region is not checked
    shard.writeSlice(slice);
    float[] params = new float[n + 4];
    Arrays.fill(params, 7f);
    worker.readSlice(params, 2);
    assertArrayEquals(bits(slice, 0, n), bits(params, 2, n));
    assertEquals(7f, params[1], 0f);
    assertEquals(7f, params[2 + n], 0f);
  }

  @Test
  void theFileIsA64ByteHeaderThenTheGradientThenTheSliceOnA64ByteBoundary() throws Exception {
    SharedSegment worker = SharedSegment.create(dir, "w3-s0", 5);
    assertEquals(5, worker.length());
    assertEquals(dir, worker.path().getParent());
    assertEquals(String.format("impetus-w3-s0-%016x.seg", worker.nonce()), worker.path().getFileName().toString());
    worker.writeGradient(new float[] {1f, 2f, 3f, 4f, 5f}, 0);
    SharedSegment.open(dir, worker.path(), worker.nonce(), 5).writeSlice(new float[] {-1f, -2f, -3f, -4f, -5f});

    ByteBuffer file = ByteBuffer.wrap(Files.readAllBytes(worker.path())).order(ByteOrder.LITTLE_ENDIAN);
    // 64 header bytes + 5 gradient floats = 84, rounded up to 128 for the slice, + 5 slice floats.
    assertEquals(148, file.capacity());
    assertEquals("IMPSEG01", new String(Arrays.copyOf(file.array(), 8), StandardCharsets.US_ASCII));
    assertEquals(worker.nonce(), file.getLong(8));
    assertEquals(5, file.getLong(16));
    assertEquals(1f, file.getFloat(64), 0f);
    assertEquals(5f, file.getFloat(64 + 16), 0f);
    assertEquals(-1f, file.getFloat(128), 0f);
    assertEquals(-5f, file.getFloat(128 + 16), 0f);
  }

  @Test
  void readGradientCheckedReturnsTheIndexOfTheFirstNonFiniteValueAndStillCopiesEverything() throws Exception {
    int n = 3 * FloatDecoder.BLOCK_FLOATS + 5;
    SharedSegment worker = SharedSegment.create(dir, "w0-s0", n);
    SharedSegment shard = SharedSegment.open(dir, worker.path(), worker.nonce(), n);
    float[] gradient = new float[n];
    for (int i = 0; i < n; i++) {
      gradient[i] = (i % 7 - 3) * 1e38f; // large but finite
    }
    float[] received = new float[n];
    worker.writeGradient(gradient, 0);
    assertEquals(-1, shard.readGradientChecked(received));
    assertArrayEquals(bits(gradient, 0, n), bits(received, 0, n));

    // In the third block: a NaN, then an infinity further on, then one in the last (partial) block.
    int first = 2 * FloatDecoder.BLOCK_FLOATS + 7;
    gradient[first] = Float.NaN;
    gradient[first + 100] = Float.POSITIVE_INFINITY;
    gradient[n - 1] = Float.NEGATIVE_INFINITY;
    worker.writeGradient(gradient, 0);
    assertEquals(first, shard.readGradientChecked(received));
    assertArrayEquals(bits(gradient, 0, n), bits(received, 0, n));

    gradient[first] = 0f;
    gradient[first + 100] = 0f;
    worker.writeGradient(gradient, 0);
    assertEquals(n - 1, shard.readGradientChecked(received));

    gradient[n - 1] = 0f;
    gradient[0] = Float.NEGATIVE_INFINITY;
    worker.writeGradient(gradient, 0);
    assertEquals(0, shard.readGradientChecked(received));
  }

  @Test
  void openRefusesASegmentWithAnotherNonceOrLength() throws Exception {
    SharedSegment worker = SharedSegment.create(dir, "w0-s0", 5);
    Path file = worker.path();
    Path resolved = inFolder(file.getFileName().toString());
    assertEquals(resolved + " belongs to another worker or attach (nonce or length differ)",
        refusal(file, worker.nonce() + 1, 5));
    // Another length means another file size: 64 + 6 floats rounds up to 128, + 6 floats = 152 bytes.
    assertEquals(resolved + " has 148 bytes, a segment of 6 floats has 152", refusal(file, worker.nonce(), 6));
    assertEquals(resolved + " has 148 bytes, a segment of 4 floats has 144", refusal(file, worker.nonce(), 4));
  }

  @Test
  void openRefusesAFileThatIsNotASegment() throws Exception {
    Path zeros = inFolder("impetus-zeros.seg");
    Files.write(zeros, new byte[148]);
    assertEquals(zeros + " is not an Impetus segment (bad magic)", refusal(zeros, 0, 5));

    SharedSegment worker = SharedSegment.create(dir, "w0-s0", 5);
    Path renamed = Files.copy(worker.path(), dir.resolve("segment.bin"));
    assertEquals(renamed + " is not a segment file name (impetus-*.seg)", refusal(renamed, worker.nonce(), 5));
  }

  @Test
  void openRefusesAFileOutsideTheFolderEvenInASubfolder() throws Exception {
    Path elsewhere = Files.createDirectory(tmp.resolve("elsewhere"));
    SharedSegment outside = SharedSegment.create(elsewhere, "w0-s0", 5);
    assertEquals(outside.path() + " is not inside the shared-memory folder " + dir.toRealPath(),
        refusal(outside.path(), outside.nonce(), 5));

    SharedSegment nested = SharedSegment.create(Files.createDirectory(dir.resolve("sub")), "w0-s0", 5);
    assertEquals(nested.path() + " is not inside the shared-memory folder " + dir.toRealPath(),
        refusal(nested.path(), nested.nonce(), 5));
  }

  @Test
  void openRefusesASymbolicLinkInsideTheFolderEvenToARealSegmentAndAMissingFile() throws Exception {
    SharedSegment worker = SharedSegment.create(dir, "w0-s0", 5);
    Path link = Files.createSymbolicLink(inFolder("impetus-link.seg"), worker.path());
    assertEquals(link + " does not exist on this host (or is not a regular file)", refusal(link, worker.nonce(), 5));

    Path missing = inFolder("impetus-gone.seg");
    assertEquals(missing + " does not exist on this host (or is not a regular file)", refusal(missing, 1, 5));
  }

  @Test
  void createNeedsAnExistingFolderAndAPlausibleLength() {
    Path absent = tmp.resolve("absent");
    IOException e = assertThrows(IOException.class, () -> SharedSegment.create(absent, "w0-s0", 5));
    assertEquals("shared-memory folder " + absent + " does not exist", e.getMessage());
    IllegalArgumentException negative =
        assertThrows(IllegalArgumentException.class, () -> SharedSegment.create(dir, "w0-s0", -1));
    assertEquals(true, negative.getMessage().startsWith("segment length -1 outside [0, "), negative.getMessage());
  }

  @Test
  void afterUnlinkTheFileIsGoneAndBothMappingsStillShareTheRegions() throws Exception {
    SharedSegment worker = SharedSegment.create(dir, "w0-s0", 3);
    SharedSegment shard = SharedSegment.open(dir, worker.path(), worker.nonce(), 3);
    worker.unlink();
    worker.unlink(); // safe twice
    assertFalse(Files.exists(worker.path()));
    try (var left = Files.list(dir)) {
      assertEquals(0, left.count());
    }

    worker.writeGradient(new float[] {0.5f, -0.0f, 2f}, 0);
    float[] received = new float[3];
    assertEquals(-1, shard.readGradientChecked(received));
    assertArrayEquals(bits(new float[] {0.5f, -0.0f, 2f}, 0, 3), bits(received, 0, 3));
    shard.writeSlice(new float[] {Float.MIN_VALUE, 4f, -8f});
    float[] params = new float[3];
    worker.readSlice(params, 0);
    assertArrayEquals(bits(new float[] {Float.MIN_VALUE, 4f, -8f}, 0, 3), bits(params, 0, 3));
  }

  @Test
  void theFileIsReadableAndWritableByItsOwnerOnly() throws Exception {
    assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"), "not a POSIX file system");
    SharedSegment worker = SharedSegment.create(dir, "w0-s0", 5);
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(worker.path())));
  }
}
