package io.impetus.shard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import io.impetus.optim.OptimizerConfig;
import io.impetus.proto.AttachSegmentRequest;
import io.impetus.proto.Layout;
import io.impetus.proto.PushChunk;
import io.impetus.proto.ShardGrpc;
import io.impetus.proto.SliceChunk;
import io.impetus.staleness.StalenessPolicy;
import io.impetus.wire.FloatCodec;
import io.impetus.wire.Reason;
import io.impetus.wire.Refusal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * A worker id is bound to the session its Join created: each attack of issue 17 item 3 on a real
 * in-process shard, with the safe outcome (the refusal's status, reason and message) and proof that
 * the real workers' run is unaffected (their pushes apply, the barrier still counts them).
 */
class WorkerIdentityTest {
  private static final long LEASE_MS = 1_000;
  private static final Layout LAYOUT = ShardTestClient.layout(3, 1, 0, ShardTestClient.FINGERPRINT);
  private static final float[] INIT = {1f, 2f, 4f};

  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  private final String name = InProcessServerBuilder.generateName();
  private final List<ManagedChannel> channels = new ArrayList<>();
  private ShardServer server;

  /** A shard of 3 parameters for {@code workers} workers under SGD lr 0.5, its leases on the test's clock. */
  private ShardTestClient start(ConsistencyMode mode, int workers) throws Exception {
    ServerConfig config = new ServerConfig("127.0.0.1", 0, 0, 1, workers, mode, 0, 0, LEASE_MS,
        new StalenessPolicy.None(), OptimizerConfig.sgd(0.5, 0.0)).withSharedMemoryDir(null);
    server = new ShardServer(InProcessServerBuilder.forName(name).directExecutor(), config, nanos::get).start();
    return client();
  }

  /** A shard for two workers, both joined by the returned client, and initialized to {@link #INIT}. */
  private ShardTestClient twoWorkersTraining(ConsistencyMode mode) throws Exception {
    ShardTestClient workers = start(mode, 2);
    workers.join(0, LAYOUT);
    workers.join(1, LAYOUT);
    workers.initialize(0, INIT);
    return workers;
  }

  /** Another client on its own connection, holding no session keys. */
  private ShardTestClient client() {
    ManagedChannel channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    channels.add(channel);
    return new ShardTestClient(channel);
  }

  @AfterEach
  void stop() {
    channels.forEach(ManagedChannel::shutdownNow);
    if (server != null) {
      server.stop();
    }
  }

  /** The refusal {@code call} fails with (a streaming call of the test client fails its future). */
  private static Refusal refusal(Executable call) {
    Throwable thrown = assertThrows(RuntimeException.class, call);
    return Refusal.of(thrown instanceof CompletionException ? thrown.getCause() : thrown);
  }

  /** Asserts a PERMISSION_DENIED for a foreign or missing key, naming the worker and the call and nothing secret. */
  private static void assertDenied(String call, int worker, ByteString realKey, Refusal refusal) {
    assertEquals(Status.Code.PERMISSION_DENIED, refusal.code(), refusal.toString());
    assertEquals(Reason.SESSION_MISMATCH, refusal.reason());
    assertEquals(call + " for worker " + worker + " on shard 0 does not carry the session key of that worker's session",
        refusal.message());
    assertEquals(call, refusal.metadata().get(Refusal.CALL));
    assertEquals(Integer.toString(worker), refusal.metadata().get(Refusal.WORKER_ID));
    assertFalse(refusal.toString().contains(realKey.toStringUtf8()), "the refusal does not reveal the key");
  }

  @Test
  void aJoinIssuesASixteenByteKeyPerSessionAndARejoinPresentingItKeepsIt() throws Exception {
    ShardTestClient worker = start(ConsistencyMode.ASYNC, 2);
    ByteString zero = worker.join(0, LAYOUT).getSessionKey();
    ByteString one = worker.join(1, LAYOUT).getSessionKey();
    assertEquals(16, zero.size());
    assertNotEquals(zero, one);
    assertEquals(zero, worker.join(0, LAYOUT).getSessionKey(), "the same process joining again renews its session");
  }

  @Test
  void leaveForAnotherWorkerIsDeniedAndTheSyncBarrierStillCountsThatWorker() throws Exception {
    ShardTestClient workers = twoWorkersTraining(ConsistencyMode.SYNC);
    ShardTestClient attacker = client();
    assertDenied("Leave", 0, workers.key(0), refusal(() -> attacker.leave(0)));
    attacker.useKey(0, workers.key(1)); // worker 1's own key is no key for worker 0
    assertDenied("Leave", 0, workers.key(0), refusal(() -> attacker.leave(0)));

    assertEquals(2, workers.status().getLiveWorkers());
    CompletableFuture<ShardTestClient.Slice> first = workers.push(0, 0, 0, new float[] {2f, 0f, 4f});
    workers.status(); // answered after the push was handled: the round still waits for worker 1
    assertFalse(first.isDone(), "the barrier still counts worker 0's partner");
    ShardTestClient.Slice second = workers.push(1, 0, 0, new float[] {0f, 2f, 0f}).join();
    // The average (1, 1, 2), applied once: p = INIT - 0.5 * (1, 1, 2).
    assertArrayEquals(new float[] {0.5f, 1.5f, 3f}, second.values());
    assertArrayEquals(second.values(), first.join().values());
  }

  @Test
  void aPushAsAnotherWorkerIsDeniedBeforeItHoldsTheSlotAndTheRealWorkersPushIsApplied() throws Exception {
    ShardTestClient workers = twoWorkersTraining(ConsistencyMode.ASYNC);
    ShardTestClient attacker = client();
    assertDenied("PushPull", 0, workers.key(0),
        refusal(() -> attacker.push(0, 0, 0, new float[] {1e3f, 1e3f, 1e3f}).join()));
    // A header that then stays silent: refused at once, so it holds nothing the real worker needs.
    CompletableFuture<Throwable> silent = new CompletableFuture<>();
    StreamObserver<PushChunk> held = ShardGrpc.newStub(channels.get(0)).pushPull(new StreamObserver<SliceChunk>() {
      @Override
      public void onNext(SliceChunk chunk) {}

      @Override
      public void onError(Throwable t) {
        silent.complete(t);
      }

      @Override
      public void onCompleted() {
        silent.complete(null);
      }
    });
    held.onNext(PushChunk.newBuilder().setHeader(ShardTestClient.header(0, 0, 0, 3).toBuilder()
        .setSessionKey(workers.key(1))).setGradient(FloatCodec.encode(new float[] {9f}, 0, 1)).build());
    assertDenied("PushPull", 0, workers.key(0), Refusal.of(silent.get(30, TimeUnit.SECONDS)));

    ShardTestClient.Slice applied = workers.push(0, 0, 0, new float[] {2f, 2f, 2f}).join();
    assertEquals(1, applied.version(), "only the real worker's push was applied");
    assertArrayEquals(new float[] {0f, 1f, 3f}, applied.values());
    assertEquals(2L, workers.status().getRejectedMap().get("session_mismatch"));
  }

  @Test
  void heartbeatPullAttachAndInitializeWithAForeignOrMissingKeyAreDeniedAndChangeNothing() throws Exception {
    ShardTestClient workers = start(ConsistencyMode.ASYNC, 2);
    workers.join(0, LAYOUT);
    workers.join(1, LAYOUT);
    ShardTestClient attacker = client();
    for (ByteString forged : List.of(ByteString.EMPTY, workers.key(1), ByteString.copyFrom(new byte[16]))) {
      attacker.useKey(0, forged);
      assertDenied("Initialize", 0, workers.key(0), refusal(() -> attacker.initialize(0, new float[] {1e30f, 0f, 0f})));
      assertDenied("Heartbeat", 0, workers.key(0), refusal(() -> attacker.heartbeat(0)));
      assertDenied("Pull", 0, workers.key(0), refusal(() -> attacker.pull(0)));
      assertDenied("AttachSegment", 0, workers.key(0), refusal(() -> attacker.attach(AttachSegmentRequest.newBuilder()
          .setWorkerId(0).setSessionKey(forged).setPath("/dev/shm/x.seg").setLength(3).build())));
    }
    Refusal stranger = refusal(() -> client().initialize(1, INIT));
    assertEquals(Status.Code.PERMISSION_DENIED, stranger.code(), "a worker id joined by someone else");
    assertFalse(workers.status().getInitialized(), "no refused Initialize initialized the shard");

    assertFalse(workers.initialize(0, INIT).getAlreadyInitialized(), "the real worker initializes it");
    assertTrue(workers.heartbeat(0));
    assertArrayEquals(INIT, workers.pull(0).values());
  }

  @Test
  void callsForAWorkerWithoutASessionHereAreToldToJoinAndAnInitializeBeforeAJoinAllocatesNothing() throws Exception {
    ShardTestClient worker = start(ConsistencyMode.ASYNC, 2);
    worker.join(1, LAYOUT);
    for (Executable call : List.<Executable>of(() -> worker.initialize(0, INIT), () -> worker.heartbeat(0),
        () -> worker.pull(0), () -> worker.leave(0), () -> worker.push(0, 0, 0, INIT).join())) {
      Refusal unknown = refusal(call);
      assertEquals(Status.Code.NOT_FOUND, unknown.code());
      assertEquals(Reason.SESSION_UNKNOWN, unknown.reason());
      assertEquals("worker 0 has not joined shard 0", unknown.message());
    }
    assertFalse(worker.status().getInitialized());
  }

  @Test
  void aSecondJoinOfALiveIdIsRefusedUntilTheFirstSessionsLeaseHasExpired() throws Exception {
    ShardTestClient first = start(ConsistencyMode.ASYNC, 1);
    ByteString firstKey = first.join(0, LAYOUT).getSessionKey();
    first.initialize(0, INIT);
    ShardTestClient second = client();

    nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(400));
    Refusal taken = refusal(() -> second.join(0, LAYOUT));
    assertEquals(Status.Code.ALREADY_EXISTS, taken.code());
    assertEquals(Reason.WORKER_ALREADY_JOINED, taken.reason());
    assertEquals("worker 0 is already joined to shard 0 by another session, whose lease ends in about 600 ms unless"
        + " that session stays active; join again after it", taken.message());
    assertEquals(600, taken.metadataLong(Refusal.RETRY_AFTER_MILLIS, -1));
    assertEquals(1, first.push(0, 0, 0, new float[] {2f, 2f, 2f}).join().version(), "the first session trains on");

    nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(LEASE_MS + 1));
    ByteString secondKey = second.join(0, LAYOUT).getSessionKey();
    assertNotEquals(firstKey, secondKey, "a new session, with a new key");
    assertEquals(Status.Code.PERMISSION_DENIED, refusal(() -> first.heartbeat(0)).code(),
        "the expired session's key no longer names worker 0's session");
    assertEquals(2, second.push(0, 1, 1, new float[] {2f, 2f, 2f}).join().version());
  }
}
