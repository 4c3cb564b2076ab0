package io.impetus.wire;

import java.io.IOException;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.security.SecureRandom;
import java.util.regex.Pattern;

/**
 * The shared-memory data plane between one worker and one shard on the same host: a file (normally
 * in {@code /dev/shm}, so it lives in memory) that both processes map, with a gradient region the
 * worker writes and the shard reads, and a slice region the shard writes and the worker reads.
 *
 * <p>Layout, little-endian: a 64-byte header (magic {@code IMPSEG01}, a random 64-bit nonce, the
 * region length in floats), then the gradient region, then the slice region, each {@code length}
 * floats starting on a 64-byte boundary. The nonce, sent along in the attach call, proves that the
 * file the shard opened is the one this worker created and not a stale or foreign file of the same
 * name.
 *
 * <p>Ownership of the regions is handed over by the gRPC call, not by anything in the file: the
 * worker writes the gradient, then calls; the shard reads it, applies it, writes the slice, then
 * replies; the worker reads the slice after the reply. A worker has at most one push in flight per
 * shard, so the two never touch a region at the same time. The socket round trip orders the memory
 * accesses of the two processes; the fences below make that ordering explicit within each process.
 *
 * <p>The worker unlinks the file as soon as the shard has mapped it, so nothing is left in {@code
 * /dev/shm} when either process dies; the memory is freed when both mappings are gone.
 */
public final class SharedSegment {
  /** Where segments live unless configured otherwise: Linux's memory-backed file system. */
  public static final Path DEFAULT_DIR = Path.of("/dev/shm");

  private static final long MAGIC = 0x3130474553504d49L; // "IMPSEG01" read little-endian
  private static final int HEADER_BYTES = 64;
  private static final int ALIGN = 64;
  private static final Pattern NAME = Pattern.compile("impetus-[A-Za-z0-9-]+\\.seg");
  private static final SecureRandom RANDOM = new SecureRandom();
  /** One mapping holds both regions, and a mapping is at most 2 GiB. */
  private static final int MAX_LENGTH = (Integer.MAX_VALUE - 2 * ALIGN) / (2 * FloatCodec.BYTES);

  private final Path path;
  private final long nonce;
  private final int length;
  private final FloatBuffer gradient;
  private final FloatBuffer slice;

  private SharedSegment(Path path, long nonce, int length, MappedByteBuffer map) {
    this.path = path;
    this.nonce = nonce;
    this.length = length;
    map.order(ByteOrder.LITTLE_ENDIAN);
    this.gradient = map.slice(HEADER_BYTES, length * FloatCodec.BYTES).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    this.slice = map.slice((int) sliceOffset(length), length * FloatCodec.BYTES).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
  }

  /**
   * Creates and maps a new segment for {@code length} floats per region in {@code dir}, named after
   * {@code label} (letters, digits and dashes) and a fresh random nonce. Readable by the owner only,
   * from the moment it exists.
   */
  public static SharedSegment create(Path dir, String label, int length) throws IOException {
    if (length < 0 || length > MAX_LENGTH) {
      throw new IllegalArgumentException("segment length " + length + " outside [0, " + MAX_LENGTH + "]");
    }
    if (!Files.isDirectory(dir)) {
      throw new IOException("shared-memory folder " + dir + " does not exist");
    }
    while (true) {
      long nonce = RANDOM.nextLong();
      Path file = dir.resolve(String.format("impetus-%s-%016x.seg", label, nonce));
      FileChannel channel;
      try {
        channel = createOwnerOnly(file);
      } catch (FileAlreadyExistsException e) {
        continue; // a 64-bit collision: draw another nonce
      }
      try (channel) {
        long size = fileSize(length);
        MappedByteBuffer map = channel.map(FileChannel.MapMode.READ_WRITE, 0, size);
        map.order(ByteOrder.LITTLE_ENDIAN).putLong(0, MAGIC).putLong(8, nonce).putLong(16, length);
        return new SharedSegment(file, nonce, length, map);
      } catch (IOException | RuntimeException e) {
        Files.deleteIfExists(file);
        throw e;
      }
    }
  }

  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

  /**
   * Creates {@code file} (it must not exist) readable and writable by its owner only (mode 0600, or less
   * under the umask) in the same call, so no other user can open it in between; on a file system
   * without POSIX permissions its defaults apply.
   */
  private static FileChannel createOwnerOnly(Path file) throws IOException {
    Set<StandardOpenOption> options = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
        StandardOpenOption.WRITE);
    try {
      return FileChannel.open(file, options, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
    } catch (UnsupportedOperationException notPosix) {
      return FileChannel.open(file, options);
    }
  }

  /**
   * Maps the segment a worker created, after checking that {@code file} is a regular file directly
   * inside {@code dir} (no links followed) with a segment's name, and that its size and header match
   * {@code nonce} and {@code length}. The message of the exception says which check failed.
   */
  public static SharedSegment open(Path dir, Path file, long nonce, int length) throws IOException {
    if (length < 0 || length > MAX_LENGTH) {
      throw new IOException("segment length " + length + " outside [0, " + MAX_LENGTH + "]");
    }
    Path folder = dir.toRealPath();
    Path name = file.getFileName();
    if (name == null || !NAME.matcher(name.toString()).matches()) {
      throw new IOException(file + " is not a segment file name (impetus-*.seg)");
    }
    Path parent = file.toAbsolutePath().getParent();
    if (parent == null || !Files.isDirectory(parent) || !parent.toRealPath().equals(folder)) {
      throw new IOException(file + " is not inside the shared-memory folder " + folder);
    }
    Path resolved = folder.resolve(name);
    if (!Files.isRegularFile(resolved, LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException(resolved + " does not exist on this host (or is not a regular file)");
    }
    long size = fileSize(length);
    try (FileChannel channel = FileChannel.open(resolved, StandardOpenOption.READ, StandardOpenOption.WRITE,
        LinkOption.NOFOLLOW_LINKS)) {
      if (channel.size() != size) {
        throw new IOException(resolved + " has " + channel.size() + " bytes, a segment of " + length + " floats has " + size);
      }
      MappedByteBuffer map = channel.map(FileChannel.MapMode.READ_WRITE, 0, size);
      ByteBuffer header = map.duplicate().order(ByteOrder.LITTLE_ENDIAN);
      if (header.getLong(0) != MAGIC) {
        throw new IOException(resolved + " is not an Impetus segment (bad magic)");
      }
      if (header.getLong(8) != nonce || header.getLong(16) != length) {
        throw new IOException(resolved + " belongs to another worker or attach (nonce or length differ)");
      }
      return new SharedSegment(resolved, nonce, length, map);
    }
  }

  private static long sliceOffset(int length) {
    long end = HEADER_BYTES + (long) length * FloatCodec.BYTES;
    return (end + ALIGN - 1) / ALIGN * ALIGN;
  }

  private static long fileSize(int length) {
    return sliceOffset(length) + (long) length * FloatCodec.BYTES;
  }

  /** The file (it may already be unlinked). */
  public Path path() {
    return path;
  }

  /** The random number in the header that identifies this segment. */
  public long nonce() {
    return nonce;
  }

  /** Floats per region. */
  public int length() {
    return length;
  }

  /** Worker: writes {@code src[from, from + length)} to the gradient region, before the call that hands it over. */
  public void writeGradient(float[] src, int from) {
    gradient.put(0, src, from, length);
    VarHandle.releaseFence();
  }

  /**
   * Shard: copies the gradient region into {@code dst[0, length)}, block by block, checking each block
   * for NaN and infinity while it is still in cache; returns the index of the first non-finite value,
   * or -1.
   */
  public int readGradientChecked(float[] dst) {
    VarHandle.acquireFence();
    int first = -1;
    for (int from = 0; from < length; from += FloatDecoder.BLOCK_FLOATS) {
      int n = Math.min(FloatDecoder.BLOCK_FLOATS, length - from);
      gradient.get(from, dst, from, n);
      if (first < 0) {
        first = FloatDecoder.firstNonFinite(dst, from, from + n);
      }
    }
    return first;
  }

  /** Shard: writes {@code src[0, length)} to the slice region, before the reply that hands it over. */
  public void writeSlice(float[] src) {
    slice.put(0, src, 0, length);
    VarHandle.releaseFence();
  }

  /** Worker: copies the slice region into {@code dst[at, at + length)}, after the reply arrived. */
  public void readSlice(float[] dst, int at) {
    VarHandle.acquireFence();
    slice.get(0, dst, at, length);
  }

  /** Removes the file; both mappings stay valid. Safe to call more than once. */
  public void unlink() {
    try {
      Files.deleteIfExists(path);
    } catch (IOException ignored) {
      // already gone, or the folder became unwritable: nothing more we can do
    }
  }

  @Override
  public String toString() {
    return "segment " + path + " (" + length + " floats)";
  }
}
