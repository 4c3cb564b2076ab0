package io.impetus.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.impetus.local.LocalCommand;
import io.impetus.local.LocalConfig;
import io.impetus.shard.ServerConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Shard fault injection: {@code impetus local --crash-shard I:V} (repeatable or a list, checked
 * against the shards and the checkpoint interval) and {@code impetus server --crash-at-version V},
 * which the launcher passes to the shard; errors name the flag.
 */
class CrashShardFlagsTest {

  private static LocalConfig local(String... args) throws Exception {
    LocalCommand local = new LocalCommand();
    List<String> all = new ArrayList<>(List.of("--model", "quadratic", "--steps", "3", "--shards", "2", "--out",
        "runs/x"));
    all.addAll(List.of(args));
    return local.parse(Flags.parse(local, all, Map.of()));
  }

  private static String localError(String... args) {
    return assertThrows(UsageException.class, () -> local(args)).getMessage();
  }

  @Test
  void crashShardTakesRepeatedFlagsAndListsOfShardAndVersion() throws Exception {
    assertEquals(Map.of(1, 500L), local("--checkpoint-interval", "200", "--crash-shard", "1:500").shardCrashes());
    assertEquals(Map.of(0, 30L, 1, 70L),
        local("--checkpoint-interval", "10", "--crash-shard", "0:30,1:70").shardCrashes());
    assertEquals(Map.of(0, 30L, 1, 70L),
        local("--checkpoint-interval", "10", "--crash-shard", "0:30", "--crash-shard", "1:70").shardCrashes());
    assertEquals(Map.of(), local().shardCrashes());
  }

  @Test
  void crashShardRefusesAShardOutsideThePlanAVersionBelowOneAndARunWithoutCheckpoints() {
    assertEquals("--crash-shard names shard 2, but shards are 0..1",
        localError("--checkpoint-interval", "10", "--crash-shard", "2:20"));
    assertEquals("--crash-shard 1:0: the version must be at least 1",
        localError("--checkpoint-interval", "10", "--crash-shard", "1:0"));
    assertEquals("--crash-shard expects RANK:VALUE, got '1'", localError("--checkpoint-interval", "10",
        "--crash-shard", "1"));
    String needsInterval = "--crash-shard needs --checkpoint-interval K (K >= 1): the restarted shard resumes from"
        + " its newest checkpoint";
    assertEquals(needsInterval, localError("--crash-shard", "1:20"));
    assertEquals(needsInterval, localError("--checkpoint-dir", "/tmp/ckpt", "--crash-shard", "1:20"));
  }

  @Test
  void theServerFlagRoundTripsAndRefusesAVersionBelowOne() throws Exception {
    ServerConfig crashing = ServerCommand.parse(Flags.parse(new ServerCommand(),
        List.of("--crash-at-version", "40", "--checkpoint-dir", "/tmp/ckpt", "--checkpoint-interval", "20"), Map.of()));
    assertEquals(40, crashing.crashAtVersion());
    assertEquals(crashing, ServerCommand.parse(Flags.parse(new ServerCommand(), ServerCommand.toArgs(crashing), Map.of())));
    assertEquals(0, ServerCommand.parse(Flags.parse(new ServerCommand(), List.of(), Map.of())).crashAtVersion());
    assertEquals("--crash-at-version must be at least 1, got 0", assertThrows(UsageException.class,
        () -> ServerCommand.parse(Flags.parse(new ServerCommand(), List.of("--crash-at-version", "0"), Map.of())))
        .getMessage());
  }
}
