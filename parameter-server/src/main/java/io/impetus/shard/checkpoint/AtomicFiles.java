package io.impetus.shard.checkpoint;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes a file so that it is either absent or complete, even across a crash or power loss: the
 * content goes to a temporary file in the same folder (a dot name ending in {@value #TEMP_SUFFIX},
 * which readers skip), which is flushed to disk (fsync), renamed over the final name in one atomic
 * step, and then the folder itself is flushed so that the rename survives. Stateless; safe from any
 * thread, as long as no two threads write the same final name.
 */
public final class AtomicFiles {
  /** The suffix of temporary files; a crash can leave one behind, {@link #removeTemporaries} clears them. */
  public static final String TEMP_SUFFIX = ".tmp";

  private AtomicFiles() {}

  /** What to write into the temporary file. */
  @FunctionalInterface
  public interface Body<T> {
    /** Writes the content to {@code out}; what it returns, {@link #write} returns. */
    T writeTo(FileChannel out) throws IOException;
  }

  /**
   * Writes {@code target} atomically with what {@code body} puts into a fresh file. If anything fails,
   * the temporary file is removed and {@code target} is left as it was (absent, or its old content).
   *
   * @return what {@code body} returned
   */
  public static <T> T write(Path target, Body<T> body) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Path temp = dir.resolve("." + target.getFileName() + TEMP_SUFFIX);
    boolean moved = false;
    try {
      T result;
      try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
          StandardOpenOption.WRITE)) {
        result = body.writeTo(out);
        out.force(true);
      }
      try {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException("the file system of " + dir + " cannot rename atomically", e);
      }
      moved = true;
      syncFolder(dir);
      return result;
    } finally {
      if (!moved) {
        Files.deleteIfExists(temp);
      }
    }
  }

  /**
   * Flushes a folder's entries (a rename, a deletion) to disk. Some systems cannot open a folder for
   * that; there the rename is as durable as the system makes it.
   */
  public static void syncFolder(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (UnsupportedOperationException | java.nio.file.AccessDeniedException notOnThisSystem) {
      // Windows cannot open a directory as a channel; nothing more can be done there.
    }
  }

  /** Removes the temporary files a crash left in {@code dir}; returns how many. */
  public static int removeTemporaries(Path dir) throws IOException {
    int removed = 0;
    try (DirectoryStream<Path> temps = Files.newDirectoryStream(dir, ".*" + TEMP_SUFFIX)) {
      for (Path temp : temps) {
        Files.deleteIfExists(temp);
        removed++;
      }
    }
    return removed;
  }
}
