package io.impetus.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.impetus.cli.Flags;
import io.impetus.cli.UsageException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code impetus local --resume RUN_DIR}: what it refuses, with one-line errors, before starting anything. */
class ResumeFlagsTest {
  @TempDir Path dir;

  private static String refusal(String... args) throws Exception {
    LocalCommand local = new LocalCommand();
    Flags flags = Flags.parse(local, List.of(args), Map.of());
    return assertThrows(UsageException.class, () -> local.run(flags)).getMessage();
  }

  @Test
  void aFlagThatWouldChangeThePlanIsRefused() throws Exception {
    assertEquals("--resume continues the run with the flags it was planned with (RUN_DIR/command.txt);"
        + " --workers cannot be given with it", refusal("--resume", dir.toString(), "--no-progress", "--workers", "8"));
  }

  @Test
  void aFolderWithoutCommandTxtIsNotARunFolder() throws Exception {
    assertEquals("--resume: " + dir + " is not a run folder (it has no command.txt)", refusal("--resume", dir.toString()));
  }

  @Test
  void aRunWithoutACompleteCheckpointCannotBeResumed() throws Exception {
    new RunFolder(dir).writeCommand(List.of("local", "--model", "quadratic", "--steps", "3", "--out", "elsewhere"));
    Files.createDirectories(dir.resolve("checkpoints/shard-0"));
    assertEquals("--resume: no complete checkpoint in " + dir.resolve("checkpoints") + ": shard-0 holds none",
        refusal("--resume", dir.toString()));
  }
}
