package io.impetus.shard;

import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import com.google.protobuf.ByteString;
import io.impetus.proto.AttachSegmentReply;
import io.impetus.proto.AttachSegmentRequest;
import io.impetus.proto.FloatEncoding;
import io.impetus.proto.InitializeChunk;
import io.impetus.proto.InitializeReply;
import io.impetus.proto.JoinReply;
import io.impetus.proto.JoinRequest;
import io.impetus.proto.Layout;
import io.impetus.proto.LeaveReply;
import io.impetus.proto.LeaveRequest;
import io.impetus.proto.PullRequest;
import io.impetus.proto.PushChunk;
import io.impetus.proto.PushHeader;
import io.impetus.proto.ShardGrpc;
import io.impetus.proto.SharedPushReply;
import io.impetus.proto.SliceChunk;
import io.impetus.proto.SliceHeader;
import io.impetus.proto.StatusReply;
import io.impetus.proto.StatusRequest;
import io.impetus.wire.FloatCodec;
import io.impetus.wire.Refusal;
import io.impetus.wire.SharedSegment;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A minimal client of one shard for tests: every call returns a future of its whole reply. It keeps
 * the session key each join returned, by worker id, and presents it in every later call for that
 * worker (and in a join again, which then renews the session); {@link #useKey} makes it present
 * another, as an impostor would. A second client on the same channel holds no keys of its own.
 */
final class ShardTestClient {
  /** A slice reply put back together; {@code encoding}: how its values travelled. */
  record Slice(long version, long staleness, long stepLag, boolean dropped, float[] values, FloatEncoding encoding,
      boolean duplicate) {}

  static final long FINGERPRINT = 0x1234_5678_9abc_def0L;

  private final ShardGrpc.ShardStub stub;
  private final ShardGrpc.ShardBlockingStub blocking;
  /** The key presented for each worker id: the one its last join returned, unless {@link #useKey} said otherwise. */
  private final Map<Integer, ByteString> keys = new ConcurrentHashMap<>();

  ShardTestClient(ManagedChannel channel) {
    this.stub = ShardGrpc.newStub(channel);
    this.blocking = ShardGrpc.newBlockingStub(channel);
  }

  static Layout layout(long numParams, int numShards, int shardIndex, long fingerprint) {
    return Layout.newBuilder().setNumParams(numParams).setNumShards(numShards).setShardIndex(shardIndex)
        .setFingerprint(fingerprint).setModel("test").build();
  }

  JoinReply join(int worker, Layout layout) {
    return join(worker, layout, 0);
  }

  /** A join of worker {@code worker} from the process whose session is {@code session} (0: none). */
  JoinReply join(int worker, Layout layout, long session) {
    JoinReply reply = blocking.join(JoinRequest.newBuilder().setWorkerId(worker).setLayout(layout)
        .setSession(session).setSessionKey(key(worker)).build());
    keys.put(worker, reply.getSessionKey());
    return reply;
  }

  /** The session key this client presents for {@code worker} (empty before it joined). */
  ByteString key(int worker) {
    return keys.getOrDefault(worker, ByteString.EMPTY);
  }

  /** From now on, presents {@code key} for {@code worker} (an impostor's key, or none). */
  void useKey(int worker, ByteString key) {
    keys.put(worker, key);
  }

  InitializeReply initialize(int worker, float[] values) {
    Unary<InitializeReply> reply = new Unary<>();
    StreamObserver<InitializeChunk> out = stub.initialize(reply);
    for (int c = 0; c < FloatCodec.chunkCount(values.length); c++) {
      int from = c * FloatCodec.MAX_CHUNK_FLOATS;
      out.onNext(InitializeChunk.newBuilder().setWorkerId(worker).setSessionKey(c == 0 ? key(worker) : ByteString.EMPTY)
          .setOffset(from)
          .setValues(FloatCodec.encode(values, from, FloatCodec.chunkLength(values.length, c))).build());
    }
    out.onCompleted();
    return reply.future.join();
  }

  /** An Initialize call under way: the chunks go out on {@code chunks}, the answer completes {@code reply}. */
  record OpenInitialize(StreamObserver<InitializeChunk> chunks, CompletableFuture<InitializeReply> reply) {}

  /** Opens an Initialize call; the test sends its chunks, and completes it or not. */
  OpenInitialize openInitialize() {
    Unary<InitializeReply> reply = new Unary<>();
    return new OpenInitialize(stub.initialize(reply), reply.future);
  }

  /** The float32 chunk of initial values of {@code worker} at {@code offset}. */
  static InitializeChunk initialChunk(int worker, long offset, float... values) {
    return InitializeChunk.newBuilder().setWorkerId(worker).setOffset(offset).setValues(FloatCodec.encode(values))
        .build();
  }

  /** {@code chunk} with the key this client presents for its worker, unless it carries a key already. */
  InitializeChunk keyed(InitializeChunk chunk) {
    return chunk.getSessionKey().isEmpty()
        ? chunk.toBuilder().setSessionKey(key(chunk.getWorkerId())).build() : chunk;
  }

  /** An Initialize call of exactly {@code chunks} (the first {@link #keyed}: the shard reads the key there), completed. */
  CompletableFuture<InitializeReply> initialize(InitializeChunk... chunks) {
    OpenInitialize call = openInitialize();
    for (int c = 0; c < chunks.length; c++) {
      call.chunks().onNext(c == 0 ? keyed(chunks[c]) : chunks[c]);
    }
    call.chunks().onCompleted();
    return call.reply();
  }

  Slice pull(int worker) {
    Collector collector = new Collector();
    stub.pull(PullRequest.newBuilder().setWorkerId(worker).setSessionKey(key(worker)).build(), collector);
    return collector.future.join();
  }

  CompletableFuture<Slice> push(int worker, long readVersion, long step, float[] gradient) {
    return push(header(worker, readVersion, step, gradient.length), gradient);
  }

  /** {@code header} with the key this client presents for its worker, unless it carries a key already. */
  PushHeader keyed(PushHeader header) {
    return header.getSessionKey().isEmpty()
        ? header.toBuilder().setSessionKey(key(header.getWorkerId())).build() : header;
  }

  /**
   * Opens a PushPullSharedStream: each header sent on the returned observer pushes what is in the
   * worker's segment, and each push is answered on {@code replies}. Headers go as they are: see {@link #keyed}.
   */
  StreamObserver<PushHeader> pushStream(StreamObserver<SharedPushReply> replies) {
    return stub.pushPullSharedStream(replies);
  }

  /** A push header without a session key (the client adds its key when it sends it). */
  static PushHeader header(int worker, long readVersion, long step, int length) {
    return PushHeader.newBuilder().setWorkerId(worker).setReadVersion(readVersion).setWorkerStep(step)
        .setLength(length).setLoss(1f).setBatchSize(1).build();
  }

  /** Asks the shard to attach {@code segment}, created by {@code worker}, as that worker's data plane. */
  AttachSegmentReply attach(int worker, SharedSegment segment) {
    return attach(AttachSegmentRequest.newBuilder().setWorkerId(worker).setSessionKey(key(worker))
        .setPath(segment.path().toString())
        .setNonce(segment.nonce()).setLength(segment.length()).build());
  }

  AttachSegmentReply attach(AttachSegmentRequest request) {
    return blocking.attachSegment(request);
  }

  /**
   * A push-pull through shared memory, as a worker makes it: the gradient goes into {@code segment}
   * before the header goes out on a PushPullSharedStream of its own, the slice is read out of the
   * segment once the answer has arrived. An in-band refusal fails the future with its gRPC status.
   */
  CompletableFuture<Slice> pushShared(int worker, long readVersion, long step, float[] gradient, SharedSegment segment) {
    return pushShared(header(worker, readVersion, step, gradient.length), gradient, segment);
  }

  /** As {@link #pushShared(int, long, long, float[], SharedSegment)}, with {@code header} as it is. */
  CompletableFuture<Slice> pushShared(PushHeader unkeyed, float[] gradient, SharedSegment segment) {
    PushHeader header = keyed(unkeyed);
    segment.writeGradient(gradient, 0);
    CompletableFuture<Slice> result = new CompletableFuture<>();
    StreamObserver<PushHeader> stream = pushStream(new StreamObserver<>() {
      @Override
      public void onNext(SharedPushReply reply) {
        if (!reply.hasHeader()) {
          result.completeExceptionally(Refusal.ofShared(reply).toException());
          return;
        }
        SliceHeader h = reply.getHeader();
        float[] values = new float[(int) h.getLength()];
        segment.readSlice(values, 0);
        result.complete(new Slice(h.getVersion(), h.getStaleness(), h.getStepLag(), h.getDropped(), values,
            h.getEncoding(), h.getDuplicate()));
      }

      @Override
      public void onError(Throwable t) {
        result.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {
        result.completeExceptionally(new IllegalStateException("the push stream ended without an answer"));
      }
    });
    stream.onNext(header);
    return result.whenComplete((slice, failure) -> stream.onCompleted());
  }

  /** A push-pull with the gradient encoded as {@code header} declares, through the generated stubs. */
  CompletableFuture<Slice> push(PushHeader header, float[] gradient) {
    ByteString[] chunks = new ByteString[FloatCodec.chunkCount(gradient.length)];
    for (int c = 0; c < chunks.length; c++) {
      int from = c * FloatCodec.MAX_CHUNK_FLOATS;
      chunks[c] = FloatCodec.encode(gradient, from, FloatCodec.chunkLength(gradient.length, c), header.getEncoding());
    }
    return push(header, chunks);
  }

  /** A push-pull whose chunks carry exactly {@code payloads} (offsets counted as {@code header} declares). */
  CompletableFuture<Slice> push(PushHeader unkeyed, ByteString... payloads) {
    PushHeader header = keyed(unkeyed);
    Collector collector = new Collector();
    StreamObserver<PushChunk> out = stub.pushPull(collector);
    long offset = 0;
    for (int c = 0; c < payloads.length; c++) {
      PushChunk.Builder chunk = PushChunk.newBuilder().setOffset(offset).setGradient(payloads[c]);
      if (c == 0) {
        chunk.setHeader(header);
      }
      out.onNext(chunk.build());
      if (c + 1 < payloads.length) {
        offset += payloads[c].size() / FloatCodec.bytesPerValue(header.getEncoding());
      }
    }
    out.onCompleted();
    return collector.future;
  }

  boolean heartbeat(int worker) {
    return blocking.heartbeat(io.impetus.proto.HeartbeatRequest.newBuilder().setWorkerId(worker)
        .setSessionKey(key(worker)).build()).getLive();
  }

  LeaveReply leave(int worker) {
    return blocking.leave(LeaveRequest.newBuilder().setWorkerId(worker).setSessionKey(key(worker)).build());
  }

  StatusReply status() {
    return blocking.status(StatusRequest.getDefaultInstance());
  }

  private static final class Unary<T> implements StreamObserver<T> {
    final CompletableFuture<T> future = new CompletableFuture<>();
    private T value;

    @Override
    public void onNext(T v) {
      value = v;
    }

    @Override
    public void onError(Throwable t) {
      future.completeExceptionally(t);
    }

    @Override
    public void onCompleted() {
      future.complete(value);
    }
  }

  private static final class Collector implements StreamObserver<SliceChunk> {
    final CompletableFuture<Slice> future = new CompletableFuture<>();
    private float[] values;
    private long version;
    private long staleness;
    private long stepLag;
    private boolean dropped;
    private FloatEncoding encoding = FloatEncoding.FP32;
    private boolean duplicate;

    @Override
    public void onNext(SliceChunk chunk) {
      if (chunk.hasHeader()) {
        values = new float[(int) chunk.getHeader().getLength()];
        version = chunk.getHeader().getVersion();
        staleness = chunk.getHeader().getStaleness();
        stepLag = chunk.getHeader().getStepLag();
        dropped = chunk.getHeader().getDropped();
        encoding = chunk.getHeader().getEncoding();
        duplicate = chunk.getHeader().getDuplicate();
      }
      FloatCodec.decode(chunk.getValues(), values, (int) chunk.getOffset(), encoding);
    }

    @Override
    public void onError(Throwable t) {
      future.completeExceptionally(t);
    }

    @Override
    public void onCompleted() {
      future.complete(new Slice(version, staleness, stepLag, dropped, values, encoding, duplicate));
    }
  }
}
