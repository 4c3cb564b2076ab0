package io.impetus.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.grpc.Status;
import io.impetus.model.ParameterLayout;
import io.impetus.optim.OptimizerConfig;
import io.impetus.shard.ConsistencyMode;
import io.impetus.shard.ServerConfig;
import io.impetus.shard.ServerSecurity;
import io.impetus.shard.ShardServer;
import io.impetus.tls.CertificateSet;
import io.impetus.wire.BearerToken;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ShardChannels#open} with a {@link ChannelSecurity}: against a shard that requires mutual TLS
 * and the token, a client with both joins, initializes and pulls on the grpc path; one with the
 * certificate but without the token is refused UNAUTHENTICATED.
 */
class SecureShardChannelsTest {
  private static final BearerToken TOKEN = BearerToken.of("0123456789abcdef0123456789abcdef", "test");
  private final ParameterLayout layout = new ParameterLayout(List.of(new ParameterLayout.TensorSpec("w", 3)));

  @TempDir Path tmp;
  private CertificateSet certs;
  private ShardServer server;
  private String address;

  @BeforeEach
  void startShard() throws Exception {
    certs = CertificateSet.create(tmp.resolve("tls"), List.of(), 1, false);
    ServerConfig config = new ServerConfig("127.0.0.1", 0, 0, 1, 1, ConsistencyMode.ASYNC, OptimizerConfig.sgd(0.1, 0))
        .withSharedMemoryDir(null).withSecurity(new ServerSecurity(TOKEN, certs.shardTls(), null));
    server = new ShardServer(ShardServer.netty(config), config).start();
    address = "127.0.0.1:" + server.port();
  }

  @AfterEach
  void stopShard() {
    server.stop();
  }

  private ShardedClient client(ChannelSecurity security) {
    return new ShardedClient(ShardChannels.open(List.of(address), security), 0, layout, "secure");
  }

  private static Status.Code failure(java.util.concurrent.CompletableFuture<?> call) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> call.get(30, TimeUnit.SECONDS));
    return Status.fromThrowable(e.getCause()).getCode();
  }

  @Test
  void aClientWithTheTokenAndTheWorkerCertificateTrains() throws Exception {
    try (ShardedClient client = client(new ChannelSecurity(TOKEN, certs.workerTls()))) {
      float[] params = {1, 2, 3};
      client.join(params, 30).get(30, TimeUnit.SECONDS);
      float[] pulled = new float[3];
      client.pull(pulled).get(30, TimeUnit.SECONDS);
      assertArrayEquals(params, pulled);
      assertEquals(0, client.status().get(30, TimeUnit.SECONDS).get(0).getVersion());
    }
  }

  @Test
  void overTlsWithoutTheTokenTheCallIsRefused() throws Exception {
    // (A plaintext client never gets through the handshake: the worker's calls wait for a ready
    // connection until their deadline; ShardTlsTest shows the refusal with fail-fast calls.)
    try (ShardedClient noToken = client(new ChannelSecurity(null, certs.workerTls()))) {
      assertEquals(Status.Code.UNAUTHENTICATED, failure(noToken.status()));
    }
    assertEquals(1, server.unauthenticatedCalls());
  }
}
