package io.impetus.shard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import io.impetus.optim.OptimizerConfig;
import io.impetus.proto.Layout;
import io.impetus.proto.PullRequest;
import io.impetus.proto.PushChunk;
import io.impetus.proto.ShardGrpc;
import io.impetus.proto.SliceChunk;
import io.impetus.proto.StatusReply;
import io.impetus.shard.checkpoint.LogCapture;
import io.impetus.shard.transport.MalformedMessages;
import io.impetus.wire.FloatCodec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What a caller can make a shard hold, and what happens at each bound (docs/security.md, Bounds): a
 * push stream that goes silent, replies nobody reads, connections beyond the cap, bytes that do not
 * parse, and a worker that expires instead of leaving. Time is the test's clock, advanced by hand.
 */
class ShardBoundsTest {
  private static final int TIMEOUT_MILLIS = 1000;
  private final AtomicLong clock = new AtomicLong(1_000_000_000L);
  private final List<ManagedChannel> channels = new ArrayList<>();
  private ShardServer server;
  private String name;

  @AfterEach
  void stop() {
    channels.forEach(ManagedChannel::shutdownNow);
    if (server != null) {
      server.stop();
    }
  }

  private static ServerConfig config(int workers, ConsistencyMode mode) {
    ServerConfig c = new ServerConfig("127.0.0.1", 0, 0, 1, workers, ConsistencyMode.ASYNC, OptimizerConfig.sgd(0.5, 0))
        .withSharedMemoryDir(null);
    return c.withMode(mode, 0, 0)
        .withLimits(ServerLimits.defaults(workers).withStreamIdleTimeoutMillis(TIMEOUT_MILLIS));
  }

  private ShardTestClient start(ServerConfig config) throws Exception {
    name = InProcessServerBuilder.generateName();
    server = new ShardServer(InProcessServerBuilder.forName(name).directExecutor(), config, clock::get).start();
    return new ShardTestClient(channel());
  }

  /** A new channel to the shard: a connection of its own. */
  private ManagedChannel channel() {
    ManagedChannel channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    channels.add(channel);
    return channel;
  }

  private static Layout layout(int numParams) {
    return ShardTestClient.layout(numParams, 1, 0, ShardTestClient.FINGERPRINT);
  }

  private static Status statusOf(CompletableFuture<?> call) {
    CompletionException e = assertThrows(CompletionException.class, call::join);
    return Status.fromThrowable(e.getCause());
  }

  private void advance(long millis) {
    clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
  }

  /**
   * A push stream of {@code worker}, presenting the key {@code client} holds for it, that sends its
   * header and half its gradient, then nothing; its end goes to the future.
   */
  private static CompletableFuture<Void> silentPush(ManagedChannel channel, ShardTestClient client, int worker,
      int length) {
    CompletableFuture<Void> end = new CompletableFuture<>();
    StreamObserver<PushChunk> out = ShardGrpc.newStub(channel).pushPull(new StreamObserver<SliceChunk>() {
      @Override
      public void onNext(SliceChunk chunk) {}

      @Override
      public void onError(Throwable t) {
        end.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {
        end.complete(null);
      }
    });
    out.onNext(PushChunk.newBuilder().setHeader(client.keyed(ShardTestClient.header(worker, 0, 0, length))).setOffset(0)
        .setGradient(FloatCodec.encode(new float[length / 2], 0, length / 2)).build());
    return end;
  }

  @Test
  void aSilentPushStreamIsCancelledAfterTheIdleTimeoutAndItsWorkerThenPushes() throws Exception {
    ShardTestClient client = start(config(1, ConsistencyMode.ASYNC));
    client.join(0, layout(4));
    client.initialize(0, new float[] {1f, 1f, 1f, 1f});
    float[] g = {1f, 1f, 1f, 1f};

    CompletableFuture<Void> silent = silentPush(channel(), client, 0, 4);
    Status held = statusOf(client.push(0, 0, 0, g));
    assertEquals(Status.Code.FAILED_PRECONDITION, held.getCode(), "the silent stream holds the worker's slot");

    advance(TIMEOUT_MILLIS - 1);
    assertEquals(0, server.expireIdlePushStreamsNow(), "not silent for the whole timeout yet");
    assertFalse(silent.isDone());
    advance(1);
    assertEquals(1, server.expireIdlePushStreamsNow());
    Status cancelled = statusOf(silent);
    assertEquals(Status.Code.CANCELLED, cancelled.getCode());
    assertEquals("the push stream of worker 0 sent nothing for 1.0 s while shard 0 waited for its gradient"
        + " (--stream-idle-timeout); the push is dropped and the worker's push slot freed", cancelled.getDescription());

    ShardTestClient.Slice pushed = client.push(0, 0, 0, g).join();
    assertEquals(1, pushed.version(), "the worker's own push goes through once the slot is free");
    assertEquals(0.5f, pushed.values()[0]);
    assertEquals(1, client.status().getRefusedCallsMap().get("idle_push_stream"));
  }

  @Test
  void aReplyParkedByASyncRoundIsNotClientIdlenessAndIsAnsweredWhenTheRoundCompletes() throws Exception {
    ShardTestClient client = start(config(2, ConsistencyMode.SYNC));
    client.join(0, layout(4));
    client.join(1, layout(4));
    client.initialize(0, new float[] {1f, 1f, 1f, 1f});
    CompletableFuture<ShardTestClient.Slice> parked = client.push(0, 0, 0, new float[] {1f, 1f, 1f, 1f});
    assertFalse(parked.isDone(), "sync: worker 0 waits for worker 1");

    advance(10L * TIMEOUT_MILLIS);
    assertEquals(0, server.expireIdlePushStreamsNow(), "the shard, not the client, makes that push wait");
    assertEquals(1, client.push(1, 0, 0, new float[] {3f, 3f, 3f, 3f}).join().version());
    assertEquals(1, parked.join().version());
    assertEquals(0f, parked.join().values()[0], "1 - 0.5 * mean(1, 3)");
  }

  /** A Pull of {@code worker}, with the key {@code client} holds for it, that never asks for its reply's messages (manual flow control, nothing requested). */
  private static final class UnreadPull extends ClientCall.Listener<SliceChunk> {
    final ClientCall<PullRequest, SliceChunk> call;
    final List<SliceChunk> received = new CopyOnWriteArrayList<>();
    final CompletableFuture<Status> closed = new CompletableFuture<>();

    UnreadPull(ManagedChannel channel, ShardTestClient client, int worker) {
      call = channel.newCall(ShardGrpc.getPullMethod(), CallOptions.DEFAULT);
      call.start(this, new Metadata());
      call.sendMessage(PullRequest.newBuilder().setWorkerId(worker).setSessionKey(client.key(worker)).build());
      call.halfClose();
    }

    @Override
    public void onMessage(SliceChunk chunk) {
      received.add(chunk);
    }

    @Override
    public void onClose(Status status, Metadata trailers) {
      closed.complete(status);
    }
  }

  @Test
  void aClientThatNeverReadsItsRepliesCannotMakeTheShardBufferMoreThanTheBound() throws Exception {
    int length = 1000;
    long slice = length * 4L;
    ServerConfig config = config(1, ConsistencyMode.ASYNC);
    ShardTestClient client = start(config.withLimits(config.limits().withMaxReplyBufferBytes(3 * slice)));
    client.join(0, layout(length));
    float[] initial = new float[length];
    Arrays.fill(initial, 1f);
    client.initialize(0, initial);

    List<UnreadPull> pulls = new ArrayList<>();
    ManagedChannel nonReader = channel();
    for (int k = 0; k < 6; k++) {
      pulls.add(new UnreadPull(nonReader, client, 0));
    }
    client.status(); // after the pulls on the update loop: they have been answered or deferred
    assertEquals(3 * slice, server.bufferedReplyBytes(), "three replies fit the bound; the shard holds no more");
    for (int k = 3; k < 6; k++) {
      Status refused = pulls.get(k).closed.get(10, TimeUnit.SECONDS);
      assertEquals(Status.Code.RESOURCE_EXHAUSTED, refused.getCode());
      assertEquals("shard 0 holds 12000 bytes of replies its callers have not read, and this one of 4000 bytes would"
          + " pass the bound of 12000 (--max-reply-buffer-mib); read replies, or try again later",
          refused.getDescription());
    }
    for (int k = 0; k < 3; k++) {
      assertFalse(pulls.get(k).closed.isDone());
      assertEquals(List.of(), pulls.get(k).received, "nothing written to a call that is not ready");
    }

    pulls.get(2).call.cancel("gone", null);
    assertEquals(2 * slice, server.bufferedReplyBytes(), "a cancelled call gives its bytes back");
    float[] g = new float[length];
    Arrays.fill(g, 2f);
    assertEquals(1, client.push(0, 0, 0, g).join().version(), "a reading worker is served within the bound");
    assertEquals(2 * slice, server.bufferedReplyBytes(), "and its reply's bytes went back once it was read");

    // A deferred reply keeps the values of the version it answers, though the shard moved on since.
    pulls.get(0).call.request(10);
    assertEquals(Status.Code.OK, pulls.get(0).closed.get(10, TimeUnit.SECONDS).getCode());
    SliceChunk chunk = pulls.get(0).received.get(0);
    assertEquals(0, chunk.getHeader().getVersion());
    float[] values = new float[length];
    FloatCodec.decode(chunk.getValues(), values, 0);
    assertEquals(1f, values[0]);
    assertEquals(1f, values[length - 1]);
    assertEquals(slice, server.bufferedReplyBytes());
    StatusReply status = client.status();
    assertEquals(3, status.getRefusedCallsMap().get("reply_buffer_full"));
    assertEquals(slice, status.getReplyBufferBytes());
  }

  @Test
  void overTcpRepliesWrittenWholeStillCountUntilTheirClientHasReadThem() throws Exception {
    int length = 1 << 20; // 4 MiB of float32: two chunks, far more than the non-reader's 64 KiB window
    long slice = length * 4L;
    ServerConfig base = config(1, ConsistencyMode.ASYNC);
    ServerConfig config = base.withLimits(base.limits().withMaxReplyBufferBytes(2 * slice + slice / 2));
    server = new ShardServer(ShardServer.netty(config), config).start();
    String target = "127.0.0.1:" + server.port();
    ManagedChannel reading = NettyChannelBuilder.forTarget(target).usePlaintext().directExecutor().build();
    channels.add(reading);
    ShardTestClient client = new ShardTestClient(reading);
    client.join(0, layout(length));
    float[] initial = new float[length];
    Arrays.fill(initial, 1f);
    client.initialize(0, initial);

    ManagedChannel nonReader = NettyChannelBuilder.forTarget(target).usePlaintext().directExecutor()
        .flowControlWindow(65_535).build();
    channels.add(nonReader);
    UnreadPull first = new UnreadPull(nonReader, client, 0);
    UnreadPull second = new UnreadPull(nonReader, client, 0);
    UnreadPull third = new UnreadPull(nonReader, client, 0);
    // One connection's calls are handled in order: once the third is refused, the first two are written.
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, third.closed.get(10, TimeUnit.SECONDS).getCode());
    assertEquals(2 * slice, server.bufferedReplyBytes(), "written to the transport, not yet read: still counted");

    first.call.request(10);
    assertEquals(Status.Code.OK, first.closed.get(10, TimeUnit.SECONDS).getCode());
    assertEquals(2, first.received.size(), "the whole slice, once its client reads");
    assertFalse(second.closed.isDone());
  }

  @Test
  void callsOnAConnectionBeyondTheCapAreRefusedWithResourceExhaustedAndTheOthersAreServed() throws Exception {
    ServerConfig config = config(1, ConsistencyMode.ASYNC);
    ShardTestClient first = start(config.withLimits(config.limits().withMaxConnections(1)));
    assertEquals(0, first.status().getVersion());
    ShardTestClient second = new ShardTestClient(channel());
    StatusRuntimeException refused = assertThrows(StatusRuntimeException.class, second::status);
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, refused.getStatus().getCode());
    assertEquals("shard 0 serves at most 1 connections at once (--max-connections) and this one is beyond them; try"
        + " again later", refused.getStatus().getDescription());
    StatusReply status = first.status();
    assertEquals(1, status.getRefusedCallsMap().get("too_many_connections"));
    assertEquals(2, status.getOpenConnections());
  }

  /** Ten bytes that are no protobuf message: a varint that never ends. */
  private static final byte[] GARBAGE = {-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1};

  private static Status sendGarbage(ManagedChannel channel, MethodDescriptor<?, ?> method) {
    MethodDescriptor<byte[], byte[]> m = RawBytes.as(method);
    if (m.getType() == MethodDescriptor.MethodType.UNARY) {
      return assertThrows(StatusRuntimeException.class,
          () -> ClientCalls.blockingUnaryCall(channel, m, CallOptions.DEFAULT, GARBAGE)).getStatus();
    }
    CompletableFuture<Void> end = new CompletableFuture<>();
    StreamObserver<byte[]> out = ClientCalls.asyncBidiStreamingCall(channel.newCall(m, CallOptions.DEFAULT),
        new StreamObserver<>() {
          @Override
          public void onNext(byte[] value) {}

          @Override
          public void onError(Throwable t) {
            end.completeExceptionally(t);
          }

          @Override
          public void onCompleted() {
            end.complete(null);
          }
        });
    out.onNext(GARBAGE);
    return statusOf(end);
  }

  @Test
  void bytesThatDoNotParseAreAnsweredInvalidArgumentAndLoggedOncePerConnectionWithoutAStackTrace() throws Exception {
    List<LogRecord> severe = new CopyOnWriteArrayList<>();
    Handler grpcLog = new Handler() {
      @Override
      public void publish(LogRecord record) {
        if (record.getLevel().intValue() >= Level.SEVERE.intValue()) {
          severe.add(record);
        }
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    Logger grpc = Logger.getLogger("io.grpc");
    grpc.addHandler(grpcLog);
    try (LogCapture log = new LogCapture(MalformedMessages.class)) {
      ShardTestClient client = start(config(1, ConsistencyMode.ASYNC));
      ManagedChannel attacker = channel();
      Status join = sendGarbage(attacker, ShardGrpc.getJoinMethod());
      assertEquals(Status.Code.INVALID_ARGUMENT, join.getCode());
      assertTrue(join.getDescription().startsWith("a request message of impetus.v1.Shard/Join does not parse ("),
          join.getDescription());
      assertEquals(Status.Code.INVALID_ARGUMENT, sendGarbage(attacker, ShardGrpc.getJoinMethod()).getCode());
      Status push = sendGarbage(attacker, ShardGrpc.getPushPullMethod());
      assertEquals(Status.Code.INVALID_ARGUMENT, push.getCode());
      assertTrue(push.getDescription().startsWith("a request message of impetus.v1.Shard/PushPull does not parse ("),
          push.getDescription());
      assertEquals(1, log.lines("WARN").size(), "one line for the connection: " + log.lines("WARN"));

      assertEquals(Status.Code.INVALID_ARGUMENT, sendGarbage(channel(), ShardGrpc.getHeartbeatMethod()).getCode());
      assertEquals(2, log.lines("WARN").size(), "and one for another connection");
      assertTrue(log.lines("WARN").get(0).contains("on connection "), log.lines("WARN").get(0));

      StatusReply status = client.status();
      assertEquals(4, status.getRefusedCallsMap().get("malformed_message"));
      assertEquals(0, new ShardTestClient(attacker).status().getVersion(), "the connection still serves good calls");
    } finally {
      grpc.removeHandler(grpcLog);
    }
    assertEquals(List.of(), severe.stream().map(LogRecord::getMessage).toList(), "no SEVERE line from gRPC");
  }

  @Test
  void aWorkerThatExpiresInsteadOfLeavingCountsAsGoneOnceItsLeaseIsOver() throws Exception {
    ShardTestClient client = start(config(2, ConsistencyMode.ASYNC));
    client.join(0, layout(4));
    client.join(1, layout(4));
    client.initialize(0, new float[] {1f, 1f, 1f, 1f});
    client.leave(0);
    ShardLifecycle.Settings exitWhenDone = new ShardLifecycle.Settings(true, 0);
    assertNull(ShardLifecycle.finishReason(client.status(), 0, exitWhenDone), "worker 1 still holds its lease");

    advance(ServerConfig.DEFAULT_WORKER_TIMEOUT_MILLIS + 1);
    server.checkLeasesNow();
    StatusReply status = client.status();
    assertEquals("EXPIRED", status.getWorkers(1).getState());
    assertEquals("1 of 2 workers finished, 1 expired (lease over)",
        ShardLifecycle.finishReason(status, 0, exitWhenDone));
  }
}
