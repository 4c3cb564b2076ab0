package io.impetus.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.impetus.local.LocalCommand;
import io.impetus.local.LocalConfig;
import io.impetus.shard.ServerConfig;
import io.impetus.shard.checkpoint.CheckpointSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code --checkpoint-dir}, {@code --checkpoint-interval} and {@code --keep-checkpoints}: on {@code
 * impetus server} (with IMPETUS_* fallbacks), on {@code impetus local} (whose run folder holds the
 * checkpoints unless told otherwise, and which passes them to its shards), and errors naming the flag.
 */
class CheckpointFlagsTest {

  private static ServerConfig server(List<String> args, Map<String, String> env) throws Exception {
    return ServerCommand.parse(Flags.parse(new ServerCommand(), args, env));
  }

  private static LocalConfig local(String... args) throws Exception {
    LocalCommand local = new LocalCommand();
    List<String> all = new ArrayList<>(List.of("--model", "quadratic", "--steps", "3", "--out", "runs/x"));
    all.addAll(List.of(args));
    return local.parse(Flags.parse(local, all, Map.of()));
  }

  private static String usageError(List<String> args) {
    return assertThrows(UsageException.class, () -> server(args, Map.of())).getMessage();
  }

  @Test
  void aServerWithoutTheFlagsNeitherWritesNorRestoresCheckpoints() throws Exception {
    CheckpointSettings none = server(List.of(), Map.of()).checkpoints();
    assertFalse(none.enabled());
    assertEquals(CheckpointSettings.none(), none);
  }

  @Test
  void theServerTakesTheFlagsOrTheirEnvironmentVariablesAndTheyRoundTrip() throws Exception {
    ServerConfig flags = server(List.of("--checkpoint-dir", "/data/ckpt", "--checkpoint-interval", "500",
        "--keep-checkpoints", "5"), Map.of());
    assertEquals(new CheckpointSettings(Path.of("/data/ckpt"), 500, 5), flags.checkpoints());
    assertEquals(flags, server(ServerCommand.toArgs(flags), Map.of()));
    ServerConfig env = server(List.of(), Map.of("IMPETUS_CHECKPOINT_DIR", "/data/ckpt",
        "IMPETUS_CHECKPOINT_INTERVAL", "500", "IMPETUS_KEEP_CHECKPOINTS", "5"));
    assertEquals(flags.checkpoints(), env.checkpoints());
    assertEquals(new CheckpointSettings(Path.of("/data/ckpt"), 0, CheckpointSettings.DEFAULT_KEEP),
        server(List.of("--checkpoint-dir", "/data/ckpt"), Map.of()).checkpoints(),
        "a folder alone: checkpoints when the shard stops, the default number kept");
  }

  @Test
  void badValuesAreUsageErrorsNamingTheFlag() {
    assertEquals("--checkpoint-interval must be >= 0 (0: only when the shard stops), got -1",
        usageError(List.of("--checkpoint-dir", "d", "--checkpoint-interval", "-1")));
    assertEquals("--keep-checkpoints must be at least 1, got 0",
        usageError(List.of("--checkpoint-dir", "d", "--keep-checkpoints", "0")));
    assertEquals("--checkpoint-interval expects a whole number, got 'often'",
        usageError(List.of("--checkpoint-dir", "d", "--checkpoint-interval", "often")));
    assertEquals("--checkpoint-interval needs --checkpoint-dir", usageError(List.of("--checkpoint-interval", "100")));
    assertEquals("--keep-checkpoints needs --checkpoint-dir", usageError(List.of("--keep-checkpoints", "2")));
  }

  @Test
  void localCheckpointsIntoItsRunFolderAlwaysAtTheEndAndEveryIntervalWhenGivenOneAndPassesTheSettingsToItsShards() throws Exception {
    LocalConfig interval = local("--checkpoint-interval", "200");
    assertEquals(new CheckpointSettings(Path.of("runs/x/checkpoints"), 200, CheckpointSettings.DEFAULT_KEEP),
        interval.server().checkpoints());
    List<String> shardArgs = ServerCommand.toArgs(interval.server().withAddress("127.0.0.1", 0, 1));
    assertEquals(interval.server().checkpoints(), server(shardArgs, Map.of()).checkpoints());

    assertEquals(new CheckpointSettings(Path.of("/data/ckpt"), 0, 2),
        local("--checkpoint-dir", "/data/ckpt", "--keep-checkpoints", "2").server().checkpoints());
    assertEquals(new CheckpointSettings(Path.of("runs/x/checkpoints"), 0, CheckpointSettings.DEFAULT_KEEP),
        local().server().checkpoints(), "by default the run folder keeps each shard's final checkpoint");
  }
}
