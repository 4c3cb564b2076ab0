package io.impetus.shard.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A file written with AtomicFiles is absent or complete: never seen half-written under its final name. */
class AtomicFilesTest {
  @TempDir Path dir;

  private List<String> names() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void whileTheContentIsWrittenOnlyATemporaryNameExists() throws Exception {
    Path target = dir.resolve("checkpoint-000000000001.bin");
    String seen = AtomicFiles.write(target, out -> {
      out.write(ByteBuffer.wrap("half".getBytes(StandardCharsets.UTF_8)));
      String during = String.join(",", names());
      out.write(ByteBuffer.wrap(" and the rest".getBytes(StandardCharsets.UTF_8)));
      return during;
    });
    assertEquals(".checkpoint-000000000001.bin.tmp", seen, "the final name is absent until the rename");
    assertEquals(List.of("checkpoint-000000000001.bin"), names());
    assertEquals("half and the rest", Files.readString(target));
  }

  @Test
  void aFailedWriteLeavesTheOldContentAndNoTemporary() throws Exception {
    Path target = dir.resolve("manifest.json");
    Files.writeString(target, "old");
    IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(target, out -> {
      out.write(ByteBuffer.wrap("new, but".getBytes(StandardCharsets.UTF_8)));
      throw new IOException("disk full");
    }));
    assertEquals("disk full", e.getMessage());
    assertEquals("old", Files.readString(target));
    assertEquals(List.of("manifest.json"), names());
  }

  @Test
  void temporariesLeftByACrashAreRemovedAndNothingElse() throws Exception {
    Files.writeString(dir.resolve(".a.bin.tmp"), "");
    Files.writeString(dir.resolve("a.bin"), "");
    assertEquals(1, AtomicFiles.removeTemporaries(dir));
    assertEquals(List.of("a.bin"), names());
    assertFalse(Files.exists(dir.resolve(".a.bin.tmp")));
    assertTrue(Files.exists(dir.resolve("a.bin")));
  }
}
