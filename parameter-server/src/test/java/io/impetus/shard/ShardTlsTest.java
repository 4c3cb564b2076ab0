package io.impetus.shard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsServerCredentials.ClientAuth;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.impetus.optim.OptimizerConfig;
import io.impetus.proto.ShardGrpc;
import io.impetus.proto.StatusReply;
import io.impetus.proto.StatusRequest;
import io.impetus.tls.CertificateSet;
import io.impetus.tls.ClientTls;
import io.impetus.tls.ServerTls;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A shard with mutual TLS on a real Netty server on loopback: only clients whose certificate the job's
 * CA signed get in; every other client fails to connect (UNAVAILABLE) and changes nothing; the
 * plaintext health port answers probes.
 */
class ShardTlsTest {
  @TempDir static Path tmp;
  /** The job's certificates. */
  private static CertificateSet job;
  /** Certificates of another job: another CA. */
  private static CertificateSet stranger;

  private ShardServer server;
  private final List<ManagedChannel> channels = new ArrayList<>();

  @BeforeAll
  static void makeCertificates() throws Exception {
    job = CertificateSet.create(tmp.resolve("job"), List.of(), 1, false);
    stranger = CertificateSet.create(tmp.resolve("stranger"), List.of(), 1, false);
  }

  @AfterEach
  void close() {
    channels.forEach(ManagedChannel::shutdownNow);
    if (server != null) {
      server.stop();
    }
  }

  /** A shard serving with {@code tls} on a free loopback port, with a plaintext health port. */
  private ShardServer start(ServerTls tls) throws Exception {
    ServerConfig config = new ServerConfig("127.0.0.1", 0, 0, 1, 1, ConsistencyMode.ASYNC, OptimizerConfig.sgd(0.5, 0))
        .withSharedMemoryDir(null).withSecurity(new ServerSecurity(null, tls, 0));
    server = new ShardServer(ShardServer.netty(config), config).start();
    return server;
  }

  private ManagedChannel channel(int port, ChannelCredentials credentials) {
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port, credentials).build();
    channels.add(channel);
    return channel;
  }

  private static StatusReply status(ManagedChannel channel) {
    return ShardGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS)
        .status(StatusRequest.getDefaultInstance());
  }

  private static void assertCannotConnect(ManagedChannel channel) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> status(channel));
    assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode(), e.getStatus().toString());
  }

  @Test
  void aClientWithTheWorkerCertificateJoinsAndIsServed() throws Exception {
    start(job.shardTls());
    ShardTestClient worker = new ShardTestClient(channel(server.port(), job.workerTls().credentials()));
    worker.join(0, ShardTestClient.layout(4, 1, 0, ShardTestClient.FINGERPRINT));
    worker.initialize(0, new float[] {1, 2, 3, 4});
    assertEquals(4, worker.pull(0).values().length);
    assertEquals(0, worker.status().getVersion());
  }

  @Test
  void aClientWithoutACertificateCannotConnect() throws Exception {
    start(job.shardTls());
    ClientTls trustOnly = new ClientTls(job.workerTls().ca(), null, null);
    assertCannotConnect(channel(server.port(), trustOnly.credentials()));
  }

  @Test
  void aClientWithACertificateFromAnotherCaIsRefused() throws Exception {
    start(job.shardTls());
    ClientTls foreign = new ClientTls(job.workerTls().ca(), stranger.workerTls().cert(), stranger.workerTls().key());
    assertCannotConnect(channel(server.port(), foreign.credentials()));
  }

  @Test
  void aPlaintextClientCannotTalkToATlsShard() throws Exception {
    start(job.shardTls());
    assertCannotConnect(channel(server.port(), InsecureChannelCredentials.create()));
  }

  @Test
  void aClientRefusesAShardItsCaDidNotSignOrThatDoesNotCarryTheNameItDialled() throws Exception {
    start(job.shardTls());
    assertCannotConnect(channel(server.port(), stranger.workerTls().credentials()));
    // Hostname verification: the certificate names localhost and the loopback addresses, not this.
    ManagedChannel elsewhere = NettyChannelBuilder.forAddress("127.0.0.1", server.port(), job.workerTls().credentials())
        .overrideAuthority("impetus-ps-0.elsewhere").build();
    channels.add(elsewhere);
    assertCannotConnect(elsewhere);
  }

  @Test
  void optionalClientAuthenticationLetsAClientWithoutACertificateIn() throws Exception {
    ServerTls mutual = job.shardTls();
    start(new ServerTls(mutual.cert(), mutual.key(), mutual.clientCa(), ClientAuth.OPTIONAL));
    ClientTls trustOnly = new ClientTls(job.workerTls().ca(), null, null);
    assertEquals(0, status(channel(server.port(), trustOnly.credentials())).getVersion());
    // A certificate it is shown must still be one the CA signed.
    ClientTls foreign = new ClientTls(job.workerTls().ca(), stranger.workerTls().cert(), stranger.workerTls().key());
    assertCannotConnect(channel(server.port(), foreign.credentials()));
  }

  @Test
  void theHealthPortAnswersProbesInPlaintextAndServesNothingElse() throws Exception {
    start(job.shardTls());
    ManagedChannel probe = channel(server.healthPort(), InsecureChannelCredentials.create());
    ServingStatus alive = HealthGrpc.newBlockingStub(probe).withDeadlineAfter(20, TimeUnit.SECONDS)
        .check(HealthCheckRequest.newBuilder().setService(ShardHealth.LIVENESS).build()).getStatus();
    assertEquals(ServingStatus.SERVING, alive);
    ServingStatus ready = HealthGrpc.newBlockingStub(probe).withDeadlineAfter(20, TimeUnit.SECONDS)
        .check(HealthCheckRequest.newBuilder().setService(ShardHealth.READINESS).build()).getStatus();
    assertEquals(ServingStatus.NOT_SERVING, ready, "no worker has initialized the shard");
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> status(probe));
    assertEquals(Status.Code.UNIMPLEMENTED, e.getStatus().getCode(), "the shard service is not on the health port");
  }
}
