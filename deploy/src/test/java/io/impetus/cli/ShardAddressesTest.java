package io.impetus.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * In a cluster a worker derives the shards' addresses from the headless Service's name (or a host
 * pattern), the number of shards and their port, and takes its rank and the worker count from the
 * names Kubernetes tools set (RANK, WORLD_SIZE) as well as from IMPETUS_*.
 */
class ShardAddressesTest {
  private static Flags worker(List<String> args, Map<String, String> env) throws Exception {
    return Flags.parse(new WorkerCommand(), args, env);
  }

  @Test
  void aServiceNameGivesTheIndexedJobsPodNamesUnderIt() {
    assertEquals(List.of("impetus-ps-0.impetus-ps:7070", "impetus-ps-1.impetus-ps:7070", "impetus-ps-2.impetus-ps:7070"),
        ShardAddresses.of("impetus-ps", 3, 7070));
  }

  @Test
  void aPatternPutsTheIndexWhereItSays() {
    assertEquals(List.of("impetus-ps-0-0.impetus-ps:9000", "impetus-ps-0-1.impetus-ps:9000"),
        ShardAddresses.of("impetus-ps-0-{i}.impetus-ps", 2, 9000));
  }

  @Test
  void badNamesCountsAndPortsNameTheirFlag() {
    UsageException e = assertThrows(UsageException.class, () -> ShardAddresses.of("Impetus_PS", 2, 7070));
    assertTrue(e.getMessage().startsWith("--shard-service: 'Impetus_PS' is not a Service name"), e.getMessage());
    e = assertThrows(UsageException.class, () -> ShardAddresses.of("ps-{i}.x/y", 2, 7070));
    assertTrue(e.getMessage().startsWith("--shard-service: 'ps-{i}.x/y' is not a host name pattern"), e.getMessage());
    e = assertThrows(UsageException.class, () -> ShardAddresses.of("impetus-ps", 0, 7070));
    assertEquals("--num-shards must be at least 1 with --shard-service, got 0", e.getMessage());
    e = assertThrows(UsageException.class, () -> ShardAddresses.of("impetus-ps", 2, 0));
    assertEquals("--shard-port must be in [1, 65535], got 0", e.getMessage());
  }

  @Test
  void theWorkerDerivesItsServersFromTheSharedConfigMapsVariables() throws Exception {
    Flags f = worker(List.of(), Map.of("IMPETUS_SHARD_SERVICE", "impetus-ps", "IMPETUS_NUM_SHARDS", "2", "IMPETUS_PORT", "7071"));
    assertEquals(List.of("impetus-ps-0.impetus-ps:7071", "impetus-ps-1.impetus-ps:7071"), WorkerCommand.servers(f));
    f = worker(List.of("--shard-service", "ps", "--num-shards", "1"), Map.of());
    assertEquals(List.of("ps-0.ps:7070"), WorkerCommand.servers(f));
  }

  @Test
  void serversAndAServiceTogetherOrAServiceWithoutACountAreRefused() throws Exception {
    UsageException e = assertThrows(UsageException.class, () -> WorkerCommand.servers(
        worker(List.of("--servers", "a:1"), Map.of("IMPETUS_SHARD_SERVICE", "impetus-ps", "IMPETUS_NUM_SHARDS", "2"))));
    assertEquals("give --servers (IMPETUS_SERVERS) or --shard-service (IMPETUS_SHARD_SERVICE), not both", e.getMessage());
    e = assertThrows(UsageException.class, () -> WorkerCommand.servers(worker(List.of("--shard-service", "ps"), Map.of())));
    assertEquals("--shard-service needs --num-shards (or IMPETUS_NUM_SHARDS)", e.getMessage());
    e = assertThrows(UsageException.class, () -> WorkerCommand.servers(worker(List.of(), Map.of())));
    assertTrue(e.getMessage().startsWith("--servers is required"), e.getMessage());
  }

  @Test
  void rankAndWorldSizeStandInForRankAndWorkersAfterTheImpetusNames() throws Exception {
    Map<String, String> env = Map.of("IMPETUS_SERVERS", "a:1", "RANK", "3", "WORLD_SIZE", "8", "JOB_COMPLETION_INDEX", "5");
    var c = WorkerCommand.parse(worker(List.of(), env));
    assertEquals(3, c.rank());
    assertEquals(8, c.workers());
    c = WorkerCommand.parse(worker(List.of(), Map.of("IMPETUS_SERVERS", "a:1", "IMPETUS_RANK", "1", "RANK", "3",
        "IMPETUS_WORKERS", "4", "WORLD_SIZE", "8")));
    assertEquals(1, c.rank());
    assertEquals(4, c.workers());
    c = WorkerCommand.parse(worker(List.of(), Map.of("IMPETUS_SERVERS", "a:1", "WORLD_SIZE", "8", "JOB_COMPLETION_INDEX", "5")));
    assertEquals(5, c.rank());
  }
}
