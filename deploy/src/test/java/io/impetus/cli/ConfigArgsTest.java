package io.impetus.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.impetus.client.Transport;
import io.impetus.client.WirePrecision;
import io.impetus.local.LocalCommand;
import io.impetus.local.LocalConfig;
import io.impetus.optim.LrSchedule;
import io.impetus.optim.MomentumStyle;
import io.impetus.optim.OptimizerConfig;
import io.impetus.optim.OptimizerKind;
import io.impetus.shard.ConsistencyMode;
import io.impetus.shard.ServerConfig;
import io.impetus.staleness.DelayCompensation;
import io.impetus.staleness.DropStale;
import io.impetus.train.WorkerConfig;
import io.impetus.train.WorkerDelay;
import io.impetus.wire.SharedSegment;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The local launcher starts servers and workers with arguments made from config records; parsing
 * those arguments must give back the same records, or children would run another job than asked.
 */
class ConfigArgsTest {

  private static Flags flags(Command command, List<String> args, Map<String, String> env) throws Exception {
    return Flags.parse(command, args, env);
  }

  @Test
  void serverConfigSurvivesTheRoundTripThroughItsArguments() throws Exception {
    OptimizerConfig adam = new OptimizerConfig(OptimizerKind.ADAMW, 0.003, 0.0, 0.0, false, MomentumStyle.PYTORCH, 0.05,
        0.8, 0.99, 1e-6, true, LrSchedule.cosine(10, 1000, 1e-5));
    ServerConfig config = new ServerConfig("127.0.0.1", 0, 1, 3, 4, ConsistencyMode.SYNC, 1, 0, 2500,
        new DelayCompensation(0.04), adam);
    assertEquals(config, ServerCommand.parse(flags(new ServerCommand(), ServerCommand.toArgs(config), Map.of())));
    ServerConfig ssp = new ServerConfig("127.0.0.1", 0, 1, 3, 4, ConsistencyMode.SSP, 0, 5, 60_000,
        new DropStale(3), adam);
    assertEquals(ssp, ServerCommand.parse(flags(new ServerCommand(), ServerCommand.toArgs(ssp), Map.of())));

    OptimizerConfig sgd = new OptimizerConfig(OptimizerKind.SGD, 0.1, 0.9, 0.0, true, MomentumStyle.EMA, 1e-4, 0.9, 0.999,
        1e-8, false, LrSchedule.step(100, 0.5));
    ServerConfig other = new ServerConfig("0.0.0.0", 7071, 0, 1, 1, ConsistencyMode.ASYNC, sgd);
    assertEquals(other, ServerCommand.parse(flags(new ServerCommand(), ServerCommand.toArgs(other), Map.of())));
  }

  @Test
  void workerConfigSurvivesTheRoundTripThroughItsArguments() throws Exception {
    WorkerConfig config = new WorkerConfig(List.of("localhost:7070", "localhost:7071"), 2, 4, "linear", 16, 3, null, 7,
        Path.of("runs/x/w.csv"), Path.of("runs/x/w.json"), 5, true, 30, WorkerDelay.parse("lognormal:5:0.5"), 3.0, 17L);
    assertEquals(config, WorkerCommand.parse(flags(new WorkerCommand(), WorkerCommand.toArgs(config), Map.of())));
  }

  @Test
  void theCallTimeoutComesFromTheFlagOrTheEnvironmentSurvivesTheRoundTripAndMustBePositive() throws Exception {
    Command options = new WorkerCommand();
    WorkerConfig flag = WorkerCommand.parse(flags(options, List.of("--servers", "a:1", "--call-timeout", "90"), Map.of()));
    assertEquals(90, flag.callTimeoutSeconds());
    assertEquals(92_000, flag.deadlines().pushMillis(1_000), "a push may take the call timeout and two leases");
    assertEquals(flag, WorkerCommand.parse(flags(options, WorkerCommand.toArgs(flag), Map.of())));
    assertEquals(5, WorkerCommand.parse(flags(options, List.of("--servers", "a:1"), Map.of("IMPETUS_CALL_TIMEOUT", "5")))
        .callTimeoutSeconds());
    assertEquals(30, WorkerCommand.parse(flags(options, List.of("--servers", "a:1"), Map.of())).callTimeoutSeconds());
    UsageException zero = assertThrows(UsageException.class,
        () -> WorkerCommand.parse(flags(options, List.of("--servers", "a:1", "--call-timeout", "0"), Map.of())));
    assertEquals("--call-timeout must be at least 1 second, got 0", zero.getMessage());
  }

  @Test
  void theStalenessFileComesFromTheFlagOrTheEnvironmentAndSurvivesTheRoundTrip() throws Exception {
    Command options = new WorkerCommand();
    WorkerConfig flag = WorkerCommand.parse(flags(options, List.of("--servers", "a:1", "--staleness-file", "w/s.csv"), Map.of()));
    assertEquals(Path.of("w/s.csv"), flag.stalenessFile());
    assertEquals(flag, WorkerCommand.parse(flags(options, WorkerCommand.toArgs(flag), Map.of())));
    assertEquals(Path.of("e.csv"), WorkerCommand.parse(
        flags(options, List.of("--servers", "a:1"), Map.of("IMPETUS_STALENESS_FILE", "e.csv"))).stalenessFile());
    WorkerConfig none = WorkerCommand.parse(flags(options, List.of("--servers", "a:1"), Map.of()));
    assertEquals(null, none.stalenessFile(), "absent: nothing is recorded");
    assertEquals(false, WorkerCommand.toArgs(none).contains("--staleness-file"));
  }

  @Test
  void theDataFolderComesFromTheFlagOrTheEnvironmentSoAPodCanPointAtAVolume() throws Exception {
    Command options = new WorkerCommand();
    assertEquals(Path.of("/mnt/fmnist"), WorkerCommand.parse(flags(options, List.of("--servers", "a:1"),
        Map.of("IMPETUS_DATA_DIR", "/mnt/fmnist"))).data().dataDir());
    assertEquals(Path.of("/flag"), WorkerCommand.parse(flags(options, List.of("--servers", "a:1", "--data-dir", "/flag"),
        Map.of("IMPETUS_DATA_DIR", "/mnt/fmnist"))).data().dataDir());
  }

  @Test
  void overlapComesFromTheFlagOrTheEnvironmentAndSurvivesTheRoundTrip() throws Exception {
    Command options = new WorkerCommand();
    WorkerConfig flag = WorkerCommand.parse(flags(options, List.of("--servers", "a:1", "--overlap"), Map.of()));
    assertEquals(true, flag.overlap());
    assertEquals(flag, WorkerCommand.parse(flags(options, WorkerCommand.toArgs(flag), Map.of())));
    assertEquals(true, WorkerCommand.parse(flags(options, List.of("--servers", "a:1"), Map.of("IMPETUS_OVERLAP", "true"))).overlap());
    assertEquals(false, WorkerCommand.parse(flags(options, List.of("--servers", "a:1"), Map.of())).overlap());
  }

  @Test
  void perPodValuesComeFromTheEnvironmentWhenNotGivenAsFlags() throws Exception {
    WorkerConfig config = WorkerCommand.parse(flags(new WorkerCommand(), List.of("--workers", "8"),
        Map.of("IMPETUS_SERVERS", "ps-0.ps:7070,ps-1.ps:7070", "JOB_COMPLETION_INDEX", "5")));
    assertEquals(5, config.rank());
    assertEquals(List.of("ps-0.ps:7070", "ps-1.ps:7070"), config.servers());
    ServerConfig server = ServerCommand.parse(flags(new ServerCommand(), List.of(),
        Map.of("IMPETUS_SHARD_INDEX", "1", "IMPETUS_NUM_SHARDS", "2")));
    assertEquals(1, server.shardIndex());
    assertEquals(2, server.numShards());
  }

  @Test
  void sspDefaultsToABoundOfThreeAndOtherModesRefuseABound() throws Exception {
    assertEquals(3, ServerCommand.parse(flags(new ServerCommand(), List.of("--mode", "ssp"), Map.of()))
        .stalenessBound());
    UsageException e = org.junit.jupiter.api.Assertions.assertThrows(UsageException.class, () -> ServerCommand.parse(
        flags(new ServerCommand(), List.of("--staleness-bound", "2"), Map.of())));
    assertEquals("--staleness-bound applies only to --mode ssp", e.getMessage());
  }

  @Test
  void momentumCompensationNeedsSgdWithMomentum() throws Exception {
    UsageException e = org.junit.jupiter.api.Assertions.assertThrows(UsageException.class, () -> ServerCommand.parse(
        flags(new ServerCommand(), List.of("--staleness-policy", "momentum-compensation"), Map.of())));
    assertEquals("--staleness-policy momentum-compensation needs --optimizer sgd with --momentum > 0", e.getMessage());
  }

  @Test
  void theOptimizerDefaultsArePyTorchsAndAdamwDecays() throws Exception {
    ServerConfig config = ServerCommand.parse(flags(new ServerCommand(), List.of("--optimizer", "adamw"), Map.of()));
    assertEquals(OptimizerKind.ADAMW, config.optimizer().kind());
    assertEquals(0.01, config.optimizer().weightDecay());
    assertEquals(0.999, config.optimizer().beta2());
  }

  private static WorkerConfig worker(List<String> args, Map<String, String> env) throws Exception {
    return WorkerCommand.parse(flags(new WorkerCommand(), args, env));
  }

  private static ServerConfig server(List<String> args, Map<String, String> env) throws Exception {
    return ServerCommand.parse(flags(new ServerCommand(), args, env));
  }

  @Test
  void theWorkersTransportAndSegmentFolderComeFromTheFlagsOrTheEnvironmentAndSurviveTheRoundTrip() throws Exception {
    WorkerConfig defaults = worker(List.of("--servers", "a:1"), Map.of());
    assertEquals(Transport.AUTO, defaults.transport());
    assertEquals(SharedSegment.DEFAULT_DIR, defaults.shmDir());
    assertEquals(Path.of("/dev/shm"), SharedSegment.DEFAULT_DIR);

    WorkerConfig flags = worker(List.of("--servers", "a:1", "--transport", "shm", "--shm-dir", "/run/impetus"), Map.of());
    assertEquals(Transport.SHM, flags.transport());
    assertEquals(Path.of("/run/impetus"), flags.shmDir());
    assertEquals(flags, worker(WorkerCommand.toArgs(flags), Map.of()));
    WorkerConfig grpc = worker(List.of("--servers", "a:1", "--transport", "GRPC"), Map.of());
    assertEquals(Transport.GRPC, grpc.transport());
    assertEquals(grpc, worker(WorkerCommand.toArgs(grpc), Map.of()));

    Map<String, String> env = Map.of("IMPETUS_TRANSPORT", "grpc", "IMPETUS_SHM_DIR", "/var/shm");
    WorkerConfig fromEnv = worker(List.of("--servers", "a:1"), env);
    assertEquals(Transport.GRPC, fromEnv.transport());
    assertEquals(Path.of("/var/shm"), fromEnv.shmDir());
    WorkerConfig flagsWin = worker(List.of("--servers", "a:1", "--transport", "auto", "--shm-dir", "/x"), env);
    assertEquals(Transport.AUTO, flagsWin.transport());
    assertEquals(Path.of("/x"), flagsWin.shmDir());
  }

  @Test
  void anUnknownTransportIsAUsageErrorNamingTheFlagAndTheChoices() throws Exception {
    UsageException flag = assertThrows(UsageException.class,
        () -> worker(List.of("--servers", "a:1", "--transport", "tcp"), Map.of()));
    assertEquals("--transport must be one of auto, grpc, shm, got 'tcp'", flag.getMessage());
    UsageException env = assertThrows(UsageException.class,
        () -> worker(List.of("--servers", "a:1"), Map.of("IMPETUS_TRANSPORT", "rdma")));
    assertEquals("--transport must be one of auto, grpc, shm, got 'rdma'", env.getMessage());
  }

  @Test
  void theShardsSegmentFolderComesFromTheFlagsOrTheEnvironmentAndNoShmTurnsItOff() throws Exception {
    assertEquals(SharedSegment.DEFAULT_DIR, server(List.of(), Map.of()).sharedMemoryDir());
    assertEquals(Path.of("/run/impetus"), server(List.of("--shm-dir", "/run/impetus"), Map.of()).sharedMemoryDir());
    assertEquals(Path.of("/var/shm"), server(List.of(), Map.of("IMPETUS_SHM_DIR", "/var/shm")).sharedMemoryDir());
    assertEquals(Path.of("/x"), server(List.of("--shm-dir", "/x"), Map.of("IMPETUS_SHM_DIR", "/var/shm")).sharedMemoryDir());
    assertNull(server(List.of("--no-shm"), Map.of()).sharedMemoryDir());
    assertNull(server(List.of("--no-shm", "--shm-dir", "/x"), Map.of()).sharedMemoryDir());
    assertNull(server(List.of(), Map.of("IMPETUS_NO_SHM", "true")).sharedMemoryDir());
    assertEquals(SharedSegment.DEFAULT_DIR, server(List.of(), Map.of("IMPETUS_NO_SHM", "false")).sharedMemoryDir());

    ServerConfig base = new ServerConfig("127.0.0.1", 0, 0, 1, 2, ConsistencyMode.ASYNC, OptimizerConfig.sgd(0.1, 0.0));
    for (ServerConfig config : List.of(base, base.withSharedMemoryDir(Path.of("/run/impetus")), base.withSharedMemoryDir(null))) {
      assertEquals(config, server(ServerCommand.toArgs(config), Map.of()));
    }
    assertEquals(true, ServerCommand.toArgs(base.withSharedMemoryDir(null)).contains("--no-shm"));
  }

  @Test
  void localPassesItsTransportToTheWorkersAndItsSegmentFolderToTheShards() throws Exception {
    LocalCommand command = new LocalCommand();
    LocalConfig config = command.parse(flags(command,
        List.of("--model", "quadratic", "--steps", "3", "--transport", "shm", "--shm-dir", "/run/impetus"), Map.of()));
    assertEquals(Transport.SHM, config.transport());
    assertEquals(Path.of("/run/impetus"), config.server().sharedMemoryDir());
    LocalConfig defaults = command.parse(flags(command, List.of("--model", "quadratic", "--steps", "3"),
        Map.of("IMPETUS_TRANSPORT", "grpc")));
    assertEquals(Transport.GRPC, defaults.transport());
    assertEquals(SharedSegment.DEFAULT_DIR, defaults.server().sharedMemoryDir());
  }

  @Test
  void theWirePrecisionComesFromTheFlagOrTheEnvironmentSurvivesTheRoundTripAndReachesLocalsWorkers() throws Exception {
    assertEquals(WirePrecision.FP32, worker(List.of("--servers", "a:1"), Map.of()).wirePrecision());
    WorkerConfig bf16 = worker(List.of("--servers", "a:1", "--wire-precision", "bf16"), Map.of());
    assertEquals(WirePrecision.BF16, bf16.wirePrecision());
    assertEquals(bf16, worker(WorkerCommand.toArgs(bf16), Map.of()));
    Map<String, String> env = Map.of("IMPETUS_WIRE_PRECISION", "BF16");
    assertEquals(WirePrecision.BF16, worker(List.of("--servers", "a:1"), env).wirePrecision());
    assertEquals(WirePrecision.FP32, worker(List.of("--servers", "a:1", "--wire-precision", "fp32"), env).wirePrecision());

    LocalCommand command = new LocalCommand();
    assertEquals(WirePrecision.BF16, command.parse(flags(command,
        List.of("--model", "quadratic", "--steps", "3", "--wire-precision", "bf16"), Map.of())).wirePrecision());
    assertEquals(WirePrecision.BF16,
        command.parse(flags(command, List.of("--model", "quadratic", "--steps", "3"), env)).wirePrecision());
    assertEquals(WirePrecision.FP32,
        command.parse(flags(command, List.of("--model", "quadratic", "--steps", "3"), Map.of())).wirePrecision());

    UsageException bad = assertThrows(UsageException.class,
        () -> worker(List.of("--servers", "a:1", "--wire-precision", "fp16"), Map.of()));
    assertEquals("--wire-precision must be one of fp32, bf16, got 'fp16'", bad.getMessage());
    UsageException unused = assertThrows(UsageException.class,
        () -> worker(List.of("--servers", "a:1", "--wire-precision", "bf16", "--transport", "shm"), Map.of()));
    assertEquals("--wire-precision bf16 applies to the grpc path only, and --transport shm moves every float"
        + " through shared memory as fp32", unused.getMessage());
    assertThrows(UsageException.class, () -> command.parse(flags(command,
        List.of("--model", "quadratic", "--steps", "3", "--wire-precision", "bf16", "--transport", "shm"), Map.of())));
  }
}
