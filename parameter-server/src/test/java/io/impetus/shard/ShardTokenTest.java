package io.impetus.shard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.impetus.optim.OptimizerConfig;
import io.impetus.proto.Layout;
import io.impetus.proto.StatusReply;
import io.impetus.shard.transport.TokenCheck;
import io.impetus.wire.BearerToken;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * A shard given a bearer token serves only calls that carry it: others end UNAUTHENTICATED, are
 * counted, and change nothing; health stays open for probes.
 */
class ShardTokenTest {
  private static final BearerToken TOKEN = BearerToken.of("0123456789abcdef0123456789abcdef", "test");
  private static final BearerToken OTHER = BearerToken.of("fedcba9876543210fedcba9876543210", "test");

  private final String name = InProcessServerBuilder.generateName();
  private final ShardServer server = new ShardServer(InProcessServerBuilder.forName(name).directExecutor(),
      new ServerConfig("127.0.0.1", 0, 0, 1, 1, ConsistencyMode.ASYNC, OptimizerConfig.sgd(0.5, 0))
          .withSharedMemoryDir(null).withSecurity(ServerSecurity.NONE.withToken(TOKEN)));
  private final List<ManagedChannel> channels = new ArrayList<>();

  private ManagedChannel channel(BearerToken token) {
    InProcessChannelBuilder builder = InProcessChannelBuilder.forName(name).directExecutor();
    if (token != null) {
      builder.intercept(token.attach());
    }
    ManagedChannel channel = builder.build();
    channels.add(channel);
    return channel;
  }

  @AfterEach
  void close() {
    channels.forEach(ManagedChannel::shutdownNow);
    server.stop();
  }

  private static void assertUnauthenticated(Executable call) {
    Throwable thrown = assertThrows(RuntimeException.class, call);
    // Streaming calls of the test client fail their future: the status is the cause.
    StatusRuntimeException e = (StatusRuntimeException) (thrown instanceof CompletionException ? thrown.getCause() : thrown);
    assertEquals(Status.Code.UNAUTHENTICATED, e.getStatus().getCode());
    assertEquals(TokenCheck.REFUSAL, e.getStatus().getDescription());
  }

  /** The status without the process's CPU time, which moves on its own. */
  /** The status without what changes by itself: CPU time, and the connections the impostors opened. */
  private static StatusReply withoutCpu(StatusReply status) {
    return status.toBuilder().clearProcessCpuSeconds().clearOpenConnections().build();
  }

  @Test
  void callsWithoutOrWithAnotherTokenAreRefusedCountedAndChangeNothing() throws Exception {
    server.start();
    ShardTestClient anonymous = new ShardTestClient(channel(null));
    ShardTestClient impostor = new ShardTestClient(channel(OTHER));
    ShardTestClient worker = new ShardTestClient(channel(TOKEN));
    Layout layout = ShardTestClient.layout(4, 1, 0, ShardTestClient.FINGERPRINT);

    StatusReply before = withoutCpu(worker.status());
    assertUnauthenticated(() -> anonymous.join(0, layout));
    assertUnauthenticated(() -> impostor.join(0, layout));
    assertUnauthenticated(() -> impostor.status());
    assertUnauthenticated(() -> anonymous.leave(0));
    assertEquals(4, server.unauthenticatedCalls());

    assertEquals(before, withoutCpu(worker.status()), "the refused Join and Leave changed nothing");
    assertEquals(4, server.unauthenticatedCalls(), "a call with the token is not counted");

    worker.join(0, layout);
    worker.initialize(0, new float[] {1, 2, 3, 4});
    assertUnauthenticated(() -> impostor.initialize(0, new float[] {9, 9, 9, 9}));
    assertUnauthenticated(() -> anonymous.pull(0));
    assertArrayEquals(new float[] {1, 2, 3, 4}, worker.pull(0).values(), "the refused Initialize changed nothing");
    assertEquals(0, worker.status().getVersion(), "nothing was applied");
    assertEquals(6, server.unauthenticatedCalls());
  }

  @Test
  void healthAnswersProbesWithoutAToken() throws Exception {
    server.start();
    HealthCheckResponse reply = HealthGrpc.newBlockingStub(channel(null))
        .check(HealthCheckRequest.newBuilder().setService("").build());
    assertEquals(HealthCheckResponse.ServingStatus.SERVING, reply.getStatus());
    assertEquals(0, server.unauthenticatedCalls());
  }
}
