package io.impetus.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * Class-data-sharing archives (HotSpot's dynamic AppCDS) for the JVMs {@code impetus local} starts:
 * one for workers and one for shards, kept next to the jar. A child started with an archive maps the
 * classes it needs already parsed and verified instead of loading them from the jar, which cut a
 * 5-epoch, 4-worker Fashion-MNIST run from about 15 to 13 s end to end on 2 cores (each of the five
 * JVMs loads thousands of gRPC, Netty and protobuf classes).
 *
 * <p>The first run with a given jar and JVM has no archive yet: its first worker and first shard are
 * started with {@code -XX:ArchiveClassesAtExit} to a temporary file, and {@link #publish} (after every
 * child has exited) moves what they wrote into place and removes archives of older jars. Runs after
 * that use it. An archive's name carries a digest of the jar's path, size and modification time and of
 * the JVM's version, so a rebuilt jar or another JVM never meets a stale archive (HotSpot would
 * ignore it anyway, with a warning). Disabled (no options) unless this JVM runs with class-data
 * sharing and the class path is a single jar whose folder is writable: HotSpot refuses to dump with a
 * class-path folder or without its base archive. HotSpot's own CDS log lines are turned off, since
 * children's stdout is their log. Thread-safe (the launcher's Ctrl-C hook may publish while its main
 * thread does).
 */
final class ClassArchive {
  /** The kinds of child process, one archive each. */
  enum Role {
    WORKER,
    SHARD;

    String fileName(String key) {
      return "impetus-" + name().toLowerCase(Locale.ROOT) + "-" + key + ".jsa";
    }
  }

  private static final String QUIET = "-Xlog:cds*=off";

  private final Path folder;
  private final String key;
  private final List<Path[]> dumps = new ArrayList<>();

  private ClassArchive(Path folder, String key) {
    this.folder = folder;
    this.key = key;
  }

  /**
   * Archives for this JVM's class path, or a disabled instance when it is not a single jar or this
   * JVM runs without class-data sharing.
   */
  static ClassArchive forThisJvm() {
    return forJvm(System.getProperty("java.class.path", ""), System.getProperty("java.vm.version", ""),
        System.getProperty("java.vm.info", ""));
  }

  /**
   * As {@link #forClassPath}, but disabled unless {@code vmInfo} (the JVM's {@code java.vm.info},
   * e.g. "mixed mode, sharing") says class-data sharing is on: HotSpot dumps a dynamic archive only on
   * top of its base archive, and a JVM without one (a JDK shipped without {@code classes.jsa}) refuses
   * to start with {@code -XX:ArchiveClassesAtExit}. The children run the same JVM as this one.
   */
  static ClassArchive forJvm(String classPath, String vmVersion, String vmInfo) {
    return vmInfo.contains("sharing") ? forClassPath(classPath, vmVersion) : new ClassArchive(null, null);
  }

  /** Archives for {@code classPath} run by the JVM of version {@code vmVersion}. */
  static ClassArchive forClassPath(String classPath, String vmVersion) {
    if (classPath.isEmpty() || classPath.contains(java.io.File.pathSeparator) || !classPath.endsWith(".jar")) {
      return new ClassArchive(null, null);
    }
    Path jar = Path.of(classPath).toAbsolutePath();
    try {
      if (!Files.isRegularFile(jar) || !Files.isWritable(jar.getParent())) {
        return new ClassArchive(null, null);
      }
      String identity = jar + "\n" + Files.size(jar) + "\n" + Files.getLastModifiedTime(jar).toMillis() + "\n" + vmVersion;
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
      return new ClassArchive(jar.getParent(), HexFormat.of().formatHex(digest, 0, 8));
    } catch (IOException | NoSuchAlgorithmException e) {
      return new ClassArchive(null, null);
    }
  }

  /** Whether children get archive options at all. */
  boolean enabled() {
    return folder != null;
  }

  /** Where the archive for {@code role} lives (whether or not it exists yet); null when disabled. */
  Path path(Role role) {
    return enabled() ? folder.resolve(role.fileName(key)) : null;
  }

  /**
   * JVM options for one child of {@code role}: use the archive if there is one; if not and this child
   * is the {@code first} of its role in the run, dump one when it exits; otherwise nothing.
   */
  synchronized List<String> options(Role role, boolean first) {
    if (!enabled()) {
      return List.of();
    }
    Path archive = path(role);
    if (Files.isRegularFile(archive)) {
      return List.of(QUIET, "-XX:SharedArchiveFile=" + archive);
    }
    if (!first) {
      return List.of();
    }
    Path temporary = folder.resolve(archive.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
    dumps.add(new Path[] {temporary, archive});
    return List.of(QUIET, "-XX:ArchiveClassesAtExit=" + temporary);
  }

  /**
   * Once the children have exited: moves each archive they dumped into place (a child that died
   * without dumping leaves none, and the next run tries again) and deletes archives of other jars or
   * JVMs. Never fails the run: archives only save time.
   */
  synchronized void publish() {
    for (Path[] dump : dumps) {
      try {
        if (Files.isRegularFile(dump[0]) && Files.size(dump[0]) > 0) {
          Files.move(dump[0], dump[1], StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } else {
          Files.deleteIfExists(dump[0]);
        }
      } catch (IOException e) {
        // another run may have published the same archive meanwhile; either copy is as good
      }
    }
    if (!dumps.isEmpty()) {
      removeStale();
    }
    dumps.clear();
  }

  /** Deletes archives of other jars or JVMs, and temporary dumps that interrupted runs left behind. */
  private void removeStale() {
    try (DirectoryStream<Path> archives = Files.newDirectoryStream(folder, "impetus-*.jsa*")) {
      for (Path archive : archives) {
        String name = archive.getFileName().toString();
        boolean current = name.equals(Role.WORKER.fileName(key)) || name.equals(Role.SHARD.fileName(key));
        boolean leftover = name.endsWith(".tmp");
        if (!current || leftover) {
          Files.deleteIfExists(archive);
        }
      }
    } catch (IOException e) {
      // stale archives only take disk space
    }
  }
}
