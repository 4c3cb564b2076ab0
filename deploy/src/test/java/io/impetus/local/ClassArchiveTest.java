package io.impetus.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.impetus.local.ClassArchive.Role;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Class-data-sharing archives: dumped once by the first child of each role, then used, keyed to the jar. */
class ClassArchiveTest {
  @TempDir Path tmp;

  private Path jar() throws Exception {
    Path jar = tmp.resolve("impetus.jar");
    Files.write(jar, new byte[] {1, 2, 3});
    return jar;
  }

  private static String option(List<String> options, String prefix) {
    return options.stream().filter(o -> o.startsWith(prefix)).findFirst().map(o -> o.substring(prefix.length()))
        .orElseThrow(() -> new AssertionError("no " + prefix + " in " + options));
  }

  @Test
  void withoutAnArchiveTheFirstChildOfARoleDumpsOneAndTheOthersRunWithout() throws Exception {
    ClassArchive archive = ClassArchive.forClassPath(jar().toString(), "17.0.15");

    List<String> first = archive.options(Role.WORKER, true);
    assertTrue(first.contains("-Xlog:cds*=off"), first.toString());
    Path dump = Path.of(option(first, "-XX:ArchiveClassesAtExit="));
    assertEquals(tmp, dump.getParent());
    assertEquals(List.of(), archive.options(Role.WORKER, false));
    assertFalse(Files.exists(archive.path(Role.WORKER)));
  }

  @Test
  void publishMovesWhatTheChildDumpedIntoPlaceAndTheNextRunUsesIt() throws Exception {
    Path jar = jar();
    ClassArchive run1 = ClassArchive.forClassPath(jar.toString(), "17.0.15");
    Path dump = Path.of(option(run1.options(Role.SHARD, true), "-XX:ArchiveClassesAtExit="));
    Files.write(dump, new byte[] {42}); // what the JVM would write at exit

    run1.publish();

    assertFalse(Files.exists(dump));
    assertTrue(Files.isRegularFile(run1.path(Role.SHARD)));
    ClassArchive run2 = ClassArchive.forClassPath(jar.toString(), "17.0.15");
    for (boolean first : new boolean[] {true, false}) {
      List<String> options = run2.options(Role.SHARD, first);
      assertEquals(run1.path(Role.SHARD).toString(), option(options, "-XX:SharedArchiveFile="));
    }
    // The worker archive is separate and still missing.
    option(run2.options(Role.WORKER, true), "-XX:ArchiveClassesAtExit=");
  }

  @Test
  void aChildThatDiedWithoutDumpingLeavesNoArchiveAndNoTemporaryFile() throws Exception {
    ClassArchive archive = ClassArchive.forClassPath(jar().toString(), "17.0.15");
    Path dump = Path.of(option(archive.options(Role.WORKER, true), "-XX:ArchiveClassesAtExit="));
    Files.createFile(dump); // an empty dump: the JVM died while writing

    archive.publish();

    assertFalse(Files.exists(dump));
    assertFalse(Files.exists(archive.path(Role.WORKER)));
  }

  @Test
  void aRebuiltJarOrAnotherJvmGetsAnotherArchiveAndTheOldOneIsRemoved() throws Exception {
    Path jar = jar();
    ClassArchive old = ClassArchive.forClassPath(jar.toString(), "17.0.15");
    Files.write(Path.of(option(old.options(Role.WORKER, true), "-XX:ArchiveClassesAtExit=")), new byte[] {1});
    old.publish();
    Path oldArchive = old.path(Role.WORKER);
    Path leftover = tmp.resolve(oldArchive.getFileName() + ".999.tmp");
    Files.write(leftover, new byte[] {1}); // an interrupted run's dump

    assertNotEquals(oldArchive, ClassArchive.forClassPath(jar.toString(), "17.0.16").path(Role.WORKER));
    Files.setLastModifiedTime(jar, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() + 5000));
    ClassArchive rebuilt = ClassArchive.forClassPath(jar.toString(), "17.0.15");
    assertNotEquals(oldArchive, rebuilt.path(Role.WORKER));
    Files.write(Path.of(option(rebuilt.options(Role.WORKER, true), "-XX:ArchiveClassesAtExit=")), new byte[] {2});
    rebuilt.publish();

    assertTrue(Files.exists(rebuilt.path(Role.WORKER)));
    assertFalse(Files.exists(oldArchive));
    assertFalse(Files.exists(leftover));
  }

  @Test
  void disabledWhenTheJvmRunsWithoutClassDataSharing() throws Exception {
    // java -Xshare:off, or a JDK without its base archive: -XX:ArchiveClassesAtExit would stop the JVM.
    Path jar = jar();
    assertFalse(ClassArchive.forJvm(jar.toString(), "17.0.15", "mixed mode").enabled());
    assertTrue(ClassArchive.forJvm(jar.toString(), "17.0.15", "mixed mode, sharing").enabled());
    assertEquals(List.of(), ClassArchive.forJvm(jar.toString(), "17.0.15", "interpreted mode").options(Role.SHARD, true));
  }

  @Test
  void disabledUnlessTheClassPathIsOneJar() throws Exception {
    Path jar = jar();
    for (String classPath : List.of("", tmp.toString(), jar + File.pathSeparator + tmp, tmp.resolve("missing.jar").toString())) {
      ClassArchive archive = ClassArchive.forClassPath(classPath, "17.0.15");
      assertFalse(archive.enabled(), classPath);
      assertEquals(List.of(), archive.options(Role.WORKER, true), classPath);
    }
  }
}
