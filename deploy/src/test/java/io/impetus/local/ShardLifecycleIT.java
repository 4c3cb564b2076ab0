package io.impetus.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.impetus.cli.MetricsEndpoint;
import io.impetus.cli.ServerCommand;
import io.impetus.shard.ShardHealth;
import io.impetus.shard.checkpoint.CheckpointStore;
import io.impetus.shard.checkpoint.ShardSnapshot;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shard processes as Kubernetes runs them, from the shaded jar: they exit 0 once every worker has
 * finished, their health turns NOT_SERVING -> SERVING (initialized) -> NOT_SERVING (stopping) for
 * the readiness name while the liveness name is SERVING from the start, they serve Prometheus
 * metrics, and SIGTERM stops them gracefully, writing a final checkpoint when they have a checkpoint
 * folder.
 */
class ShardLifecycleIT {
  private static final long LIMIT_MINUTES = 5; // a hang guard, not a synchronization

  @TempDir Path tmp;
  private final List<Process> processes = new ArrayList<>();
  private final List<ManagedChannel> channels = new ArrayList<>();

  @AfterEach
  void tearDown() {
    channels.forEach(ManagedChannel::shutdownNow);
    processes.forEach(Process::destroyForcibly);
  }

  /** A started impetus process whose stdout lines are collected; stderr goes to a log file. */
  private final class Impetus {
    final Process process;
    final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    final StringBuilder out = new StringBuilder();
    final Thread pump;

    Impetus(String name, String... args) throws IOException {
      List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-XX:+UseSerialGC", "-jar", Path.of(System.getProperty("impetus.jar", "target/impetus.jar")).toString()));
      command.addAll(List.of(args));
      process = new ProcessBuilder(command).redirectError(tmp.resolve(name + ".log").toFile()).start();
      processes.add(process);
      pump = new Thread(() -> {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
          String line;
          while ((line = r.readLine()) != null) {
            synchronized (out) {
              out.append(line).append('\n');
            }
            lines.add(line);
          }
        } catch (IOException ignored) {
          // process gone
        }
      });
      pump.setDaemon(true);
      pump.start();
    }

    /** The value after {@code prefix} on the first stdout line that starts with it. */
    int announced(String prefix) throws InterruptedException {
      while (true) {
        String line = lines.poll(LIMIT_MINUTES, TimeUnit.MINUTES);
        if (line == null) {
          throw new AssertionError("no " + prefix + " line; stdout so far:\n" + stdout());
        }
        if (line.startsWith(prefix + " ")) {
          return Integer.parseInt(line.substring(prefix.length() + 1).trim());
        }
      }
    }

    int exit() throws InterruptedException {
      assertTrue(process.waitFor(LIMIT_MINUTES, TimeUnit.MINUTES), "process did not exit");
      pump.join(); // every line it printed is in stdout() now
      return process.exitValue();
    }

    String stdout() {
      synchronized (out) {
        return out.toString();
      }
    }
  }

  private ManagedChannel channel(int port) {
    ManagedChannel c = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    channels.add(c);
    return c;
  }

  /** Every readiness status the shard announces, in order, until the stream ends. */
  private static BlockingQueue<ServingStatus> watchReadiness(ManagedChannel channel) {
    BlockingQueue<ServingStatus> seen = new LinkedBlockingQueue<>();
    HealthGrpc.newStub(channel).watch(HealthCheckRequest.newBuilder().setService(ShardHealth.READINESS).build(),
        new StreamObserver<HealthCheckResponse>() {
          @Override
          public void onNext(HealthCheckResponse r) {
            seen.add(r.getStatus());
          }

          @Override
          public void onError(Throwable t) {
            seen.add(ServingStatus.UNKNOWN); // the server went away: the end of the stream
          }

          @Override
          public void onCompleted() {
            seen.add(ServingStatus.UNKNOWN);
          }
        });
    return seen;
  }

  private static ServingStatus next(BlockingQueue<ServingStatus> q) throws InterruptedException {
    ServingStatus s = q.poll(LIMIT_MINUTES, TimeUnit.MINUTES);
    if (s == null) {
      throw new AssertionError("no health status announced");
    }
    return s;
  }

  private static ServingStatus check(ManagedChannel channel, String service) {
    return HealthGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
        .check(HealthCheckRequest.newBuilder().setService(service).build()).getStatus();
  }

  @Test
  void shardsExitZeroOnceEveryWorkerFinishedAndTheirReadinessFollowsInitialization() throws Exception {
    int shards = 2;
    int workers = 2;
    List<Impetus> servers = new ArrayList<>();
    List<BlockingQueue<ServingStatus>> readiness = new ArrayList<>();
    List<String> addresses = new ArrayList<>();
    for (int s = 0; s < shards; s++) {
      Impetus server = new Impetus("server-" + s, "server", "--port", "0", "--shard-index", Integer.toString(s),
          "--num-shards", Integer.toString(shards), "--workers", Integer.toString(workers), "--mode", "sync");
      int port = server.announced(ServerCommand.LISTENING);
      ManagedChannel channel = channel(port);
      assertEquals(ServingStatus.SERVING, check(channel, ShardHealth.LIVENESS), "alive before any worker");
      readiness.add(watchReadiness(channel));
      assertEquals(ServingStatus.NOT_SERVING, next(readiness.get(s)), "not ready before a worker initialized it");
      servers.add(server);
      addresses.add("127.0.0.1:" + port);
    }
    List<Impetus> ws = new ArrayList<>();
    for (int r = 0; r < workers; r++) {
      ws.add(new Impetus("worker-" + r, "worker", "--servers", String.join(",", addresses), "--rank", Integer.toString(r),
          "--workers", Integer.toString(workers), "--model", "quadratic", "--steps", "100"));
    }
    for (Impetus w : ws) {
      assertEquals(0, w.exit(), "worker failed; see " + tmp);
    }
    for (int s = 0; s < shards; s++) {
      assertEquals(0, servers.get(s).exit(), "shard " + s + " did not exit 0 by itself; see " + tmp);
      assertTrue(servers.get(s).stdout().contains("IMPETUS_FINISHED shard " + s + " of 2: all 2 workers finished; version 100"),
          servers.get(s).stdout());
      assertEquals(ServingStatus.SERVING, next(readiness.get(s)), "ready once initialized");
      assertEquals(ServingStatus.NOT_SERVING, next(readiness.get(s)), "not serving while shutting down");
    }
  }

  @Test
  void aKeptRunningShardServesMetricsAndStopsGracefullyOnSigtermWithAFinalCheckpoint() throws Exception {
    Path checkpoints = tmp.resolve("checkpoints");
    Impetus server = new Impetus("server", "server", "--port", "0", "--workers", "1", "--keep-running",
        "--metrics-port", "0", "--checkpoint-dir", checkpoints.toString(), "--checkpoint-interval", "15");
    int metricsPort = server.announced(MetricsEndpoint.LISTENING);
    int port = server.announced(ServerCommand.LISTENING);
    BlockingQueue<ServingStatus> readiness = watchReadiness(channel(port));
    assertEquals(ServingStatus.NOT_SERVING, next(readiness));
    Impetus worker = new Impetus("worker", "worker", "--servers", "127.0.0.1:" + port, "--model", "quadratic",
        "--steps", "50");
    assertEquals(0, worker.exit());
    assertEquals(ServingStatus.SERVING, next(readiness));

    String metrics = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + MetricsEndpoint.PATH)).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    for (String name : List.of("impetus_shard_updates_applied_total{shard=\"0\"}", "impetus_shard_version{shard=\"0\"}",
        "impetus_shard_staleness_bucket{shard=\"0\",le=\"+Inf\"}", "impetus_shard_live_workers{shard=\"0\"}",
        "impetus_shard_expected_workers{shard=\"0\"} 1.0", "impetus_shard_checkpoints_total{outcome=\"written\",shard=\"0\"}",
        "impetus_shard_checkpoints_total{outcome=\"failed\",shard=\"0\"} 0.0",
        "impetus_shard_pushes_total{outcome=\"applied\",shard=\"0\"}",
        "impetus_shard_pushes_total{outcome=\"deduplicated\",shard=\"0\"} 0.0", "jvm_memory_used_bytes")) {
      assertTrue(metrics.contains(name), name + " missing from\n" + metrics);
    }

    // --keep-running: the worker is done, the shard stays until told; SIGTERM stops it gracefully.
    assertTrue(server.process.isAlive());
    server.process.destroy();
    int code = server.exit();
    assertEquals(143, code, "a signal exits with its code, so a Job would replace a shard stopped mid-training");
    assertEquals(ServingStatus.NOT_SERVING, next(readiness));
    // Every 15 updates (one that comes while another is written may be coalesced into the next), and
    // at version 50 on SIGTERM; at most the 3 newest are kept.
    CheckpointStore store = new CheckpointStore(checkpoints.resolve("shard-0"), 0, 3);
    List<Long> versions = store.completeVersions();
    assertEquals(50L, versions.get(0), "the stop on SIGTERM wrote a checkpoint: " + versions);
    assertTrue(versions.size() <= 3 && versions.subList(1, versions.size()).stream().allMatch(v -> v % 15 == 0),
        versions.toString());
    ShardSnapshot onSigterm = store.latest().orElseThrow();
    assertEquals(50, onSigterm.version());
    assertEquals(50, onSigterm.optimizerSteps());
    // TODO: the final status line after SIGTERM shows when run by hand (with and without --metrics-port), but
    // not here, where a health Watch stream is open during the stop; to be investigated before asserting it.
    Files.writeString(tmp.resolve("metrics.txt"), metrics);
  }
}
