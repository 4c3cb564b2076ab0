package io.impetus.shard.fuzz;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor.MethodType;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.impetus.optim.OptimizerConfig;
import io.impetus.proto.FloatEncoding;
import io.impetus.proto.InitializeChunk;
import io.impetus.proto.JoinReply;
import io.impetus.proto.JoinRequest;
import io.impetus.proto.Layout;
import io.impetus.proto.PullRequest;
import io.impetus.proto.PushHeader;
import io.impetus.proto.ShardGrpc;
import io.impetus.proto.SliceChunk;
import io.impetus.proto.SliceHeader;
import io.impetus.proto.StatusReply;
import io.impetus.proto.StatusRequest;
import io.impetus.shard.ConsistencyMode;
import io.impetus.shard.ExpectedLayout;
import io.impetus.shard.LayoutLimits;
import io.impetus.shard.ServerConfig;
import io.impetus.shard.ServerSecurity;
import io.impetus.shard.ShardServer;
import io.impetus.wire.BearerToken;
import io.impetus.wire.FloatCodec;
import io.impetus.wire.ShardPlan;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One fuzzing case's world: the shard under attack (a real {@link ShardServer}, on Netty over
 * loopback or on the in-process transport) and its twin (an identical shard that only the legitimate
 * worker talks to), both joined and initialized by the legitimate worker (at once, or after the
 * attacker's first calls to the fresh shards, see {@link Guard}). Whatever the attacker does,
 * the shard under attack must look exactly like its twin: same parameters, same version and counters,
 * same record of the legitimate worker.
 *
 * <p>Every call goes through {@link RawCall}, with a deadline, so a call the shard never answers fails
 * the case instead of hanging it.
 */
final class Fixture implements AutoCloseable {
  /** The worker whose pushes are legitimate. */
  static final int LEGIT_WORKER = 2;
  /**
   * Workers the shard expects: the ids other than {@link #LEGIT_WORKER} are free for the attacker to
   * join as its own. The legitimate worker is not 0, the id a message without one names.
   */
  static final int WORKERS = 4;
  static final long NUM_PARAMS = 13;
  static final int NUM_SHARDS = 2;
  static final int SHARD_INDEX = 1;
  static final long FINGERPRINT = 0x0f1e_2d3c_4b5a_6978L;
  /** Floats in the slice the shard under test owns. */
  static final int SLICE = new ShardPlan(NUM_PARAMS, NUM_SHARDS).length(SHARD_INDEX);
  /** Per-call deadline: generous on a loaded machine, far below the test's own timeout. */
  static final long DEADLINE_MILLIS = 10_000;

  static final String SERVICE = ShardGrpc.SERVICE_NAME + "/";
  /** The shards' shared-memory folder (under the module's build folder), shared by every case of a JVM. */
  static final Path SHM_DIR = Path.of("target", "fuzz-shm").toAbsolutePath();
  /** A file in {@link #SHM_DIR} with a segment's name and junk for contents, for attaches to find. */
  static final String PLANTED_SEGMENT = SHM_DIR.resolve("impetus-planted-0000000000000001.seg").toString();
  private static final AtomicInteger NAMES = new AtomicInteger();

  /** How the attacker reaches the shard under test. */
  enum Transport {
    /** Netty on loopback: raw bytes reach the shard's zero-copy chunk parser, as in production. */
    NETTY,
    /** gRPC's in-process transport: messages are parsed by gRPC's protobuf marshaller. */
    IN_PROCESS
  }

  /**
   * How both shards guard themselves beyond session keys. Each case draws one, so the short and the
   * long rounds share their cases among them.
   */
  enum Guard {
    /** Nothing more: the fixture's legitimate worker joins and initializes both shards first. */
    NONE,
    /**
     * Both shards are told the legitimate worker's layout ({@link ExpectedLayout}) and start fresh: no
     * one has joined them, so the attacker may be the first to; the legitimate worker joins later
     * ({@link #legitJoinAndInitialize}).
     */
    EXPECTED_LAYOUT,
    /** Both shards require the bearer token {@link #TOKEN}, which the legitimate worker carries. */
    TOKEN
  }

  /** How both shards apply the legitimate worker's pushes. */
  enum Consistency {
    /** Each push applied on arrival. */
    ASYNC,
    /**
     * Synchronous rounds with {@link #WORKERS} - 1 backup workers: a round closes at one gradient
     * however many of the attacker's ids have joined, so the legitimate worker alone moves the shard
     * through the round machinery (a round that waits for a second worker is not fuzzed).
     */
    SYNC;

    /** The shards' mode. */
    ConsistencyMode mode() {
      return this == ASYNC ? ConsistencyMode.ASYNC : ConsistencyMode.SYNC;
    }
  }

  /** The text of the job's bearer token when the guard is {@link Guard#TOKEN}. */
  static final String TOKEN_TEXT = "fuzz-token-0123456789abcdef";
  static final BearerToken TOKEN = BearerToken.of(TOKEN_TEXT, "the fuzzer's token");

  /** A legitimate push's answer, put back together. */
  record SliceAnswer(Status status, SliceHeader header, ByteString values) {}

  private final ShardServer target;
  private final ShardServer twin;
  private final ManagedChannel targetChannel;
  private final ManagedChannel twinChannel;
  private final Transport transport;
  private final Guard guard;
  /** The in-process name of the shard under attack (null on Netty). */
  private final String targetName;
  private final List<ManagedChannel> attackerChannels = new ArrayList<>();
  /** The legitimate worker's session key on each shard (each issued its own). */
  private ByteString targetKey;
  private ByteString twinKey;
  /** Before the legitimate worker joins, no key is live: calls naming it present one of no session. */
  private SessionKeys keys = new SessionKeys(SessionKeys.STRANGER);
  private long legitStep;
  private long legitVersion;

  private Fixture(Transport transport, Guard guard, Consistency consistency) throws IOException {
    this.transport = transport;
    this.guard = guard;
    ServerConfig config = guarded(new ServerConfig("127.0.0.1", 0, SHARD_INDEX, NUM_SHARDS, WORKERS,
        ConsistencyMode.ASYNC, OptimizerConfig.sgd(0.05, 0.9)).withSharedMemoryDir(SHM_DIR).withDoorbell(false), guard)
        .withMode(consistency.mode(), consistency == Consistency.SYNC ? WORKERS - 1 : 0, 0);
    if (transport == Transport.NETTY) {
      targetName = null;
      target = new ShardServer(ShardServer.netty(config), config).start();
    } else {
      targetName = "fuzz-target-" + NAMES.incrementAndGet();
      target = new ShardServer(InProcessServerBuilder.forName(targetName).directExecutor(), config).start();
    }
    targetChannel = newTargetChannel();
    String twinName = "fuzz-twin-" + NAMES.incrementAndGet();
    twin = new ShardServer(InProcessServerBuilder.forName(twinName).directExecutor(), config).start();
    twinChannel = InProcessChannelBuilder.forName(twinName).directExecutor().build();
  }

  private static ServerConfig guarded(ServerConfig config, Guard guard) {
    return switch (guard) {
      case NONE -> config;
      case EXPECTED_LAYOUT -> config.withLayoutLimits(
          new LayoutLimits(ExpectedLayout.of(NUM_PARAMS, FINGERPRINT), LayoutLimits.DEFAULT.maxParams()));
      case TOKEN -> config.withSecurity(ServerSecurity.NONE.withToken(TOKEN));
    };
  }

  /** Both shards started, and joined and initialized by the legitimate worker. */
  static Fixture start(Transport transport) throws Exception {
    return start(transport, Guard.NONE, Consistency.ASYNC);
  }

  /**
   * Both shards started under {@code guard}, in {@code consistency}: joined and initialized by the
   * legitimate worker, but for {@link Guard#EXPECTED_LAYOUT}, where they are left fresh.
   */
  static Fixture start(Transport transport, Guard guard, Consistency consistency) throws Exception {
    plantSegment();
    Fixture f = new Fixture(transport, guard, consistency);
    try {
      if (guard != Guard.EXPECTED_LAYOUT) {
        f.legitJoinAndInitialize();
      }
    } catch (Exception | AssertionError e) {
      f.close();
      throw e;
    }
    return f;
  }

  /** The guard both shards run under. */
  Guard guard() {
    return guard;
  }

  /** The layout the legitimate worker has. */
  static Layout layout() {
    return Layout.newBuilder().setNumParams(NUM_PARAMS).setNumShards(NUM_SHARDS).setShardIndex(SHARD_INDEX)
        .setFingerprint(FINGERPRINT).setModel("fuzz").build();
  }

  /**
   * A connection of its own for one attacker call, as an attacker on another host has: whatever the
   * call does to its connection does not reach the legitimate worker's. Closed with the fixture.
   */
  ManagedChannel attackerChannel() {
    ManagedChannel c = newTargetChannel();
    attackerChannels.add(c);
    return c;
  }

  private ManagedChannel newTargetChannel() {
    return transport == Transport.NETTY
        ? NettyChannelBuilder.forAddress("127.0.0.1", target.port()).usePlaintext().directExecutor().build()
        : InProcessChannelBuilder.forName(targetName).directExecutor().build();
  }

  /** The current version as the legitimate worker knows it. */
  long legitVersion() {
    return legitVersion;
  }

  /** The legitimate worker joins both shards and initializes them (done by {@link #start} unless they start fresh). */
  void legitJoinAndInitialize() throws Exception {
    targetKey = legitJoin(targetChannel);
    twinKey = legitJoin(twinChannel);
    keys = new SessionKeys(targetKey);
    float[] initial = new float[SLICE];
    for (int i = 0; i < SLICE; i++) {
      initial[i] = (i - SLICE / 2) / 8f;
    }
    InitializeChunk init = InitializeChunk.newBuilder().setWorkerId(LEGIT_WORKER).setValues(FloatCodec.encode(initial))
        .build();
    for (ManagedChannel c : List.of(targetChannel, twinChannel)) {
      requireOk("legitimate initialize",
          await(RawCall.start(c, SERVICE + "Initialize", MethodType.CLIENT_STREAMING, metadata(),
              List.of(init.toBuilder().setSessionKey(legitKey(c)).build().toByteArray()), true, DEADLINE_MILLIS)));
    }
  }

  /** The legitimate worker's join of the shard on {@code c}; the session key it returned. */
  private ByteString legitJoin(ManagedChannel c) throws Exception {
    RawCall.Outcome o = unary(c, "Join", JoinRequest.newBuilder().setWorkerId(LEGIT_WORKER).setLayout(layout())
        .setSession(Credentials.LEGIT_SESSION).build());
    requireOk("legitimate join", o);
    return JoinReply.parseFrom(o.replies().get(0)).getSessionKey();
  }

  private ByteString legitKey(ManagedChannel c) {
    return c == twinChannel ? twinKey : targetKey;
  }

  /** The session keys the shard under attack issued: a call's credentials become one of them when it starts. */
  SessionKeys keys() {
    return keys;
  }

  /**
   * The legitimate worker's next push, of {@code gradient}, to both shards; the answers of the shard
   * under attack and of the twin. The two requests are byte for byte the same but for the session key.
   */
  SliceAnswer[] legitPush(float[] gradient, Set<ChunkStream.Variation> variations, long knob) throws Exception {
    return legitPush(gradient, variations, knob, () -> {});
  }

  /**
   * As {@link #legitPush(float[], Set, long)}, with {@code meanwhile} run once the push to the shard
   * under attack has started (before its answer is awaited): an attack that races the push.
   */
  SliceAnswer[] legitPush(float[] gradient, Set<ChunkStream.Variation> variations, long knob, Runnable meanwhile)
      throws Exception {
    FloatEncoding encoding = variations.contains(ChunkStream.Variation.BF16) ? FloatEncoding.BF16 : FloatEncoding.FP32;
    PushHeader header = PushHeader.newBuilder().setWorkerId(LEGIT_WORKER)
        .setReadVersion(legitVersion).setWorkerStep(legitStep++).setLength(SLICE).setLoss(1f).setBatchSize(8)
        .setEncoding(encoding)
        .setReplyEncoding(variations.contains(ChunkStream.Variation.REPLY_BF16) ? FloatEncoding.BF16 : FloatEncoding.FP32)
        .build();
    RawCall onTarget = RawCall.start(targetChannel, SERVICE + "PushPull", MethodType.BIDI_STREAMING, metadata(),
        pushChunks(header.toBuilder().setSessionKey(targetKey).build(), gradient, variations, knob), true,
        DEADLINE_MILLIS);
    meanwhile.run();
    RawCall onTwin = RawCall.start(twinChannel, SERVICE + "PushPull", MethodType.BIDI_STREAMING, metadata(),
        pushChunks(header.toBuilder().setSessionKey(twinKey).build(), gradient, variations, knob), true,
        DEADLINE_MILLIS);
    SliceAnswer[] answers = {slice(await(onTarget)), slice(await(onTwin))};
    if (answers[1].header() != null) {
      legitVersion = answers[1].header().getVersion();
    }
    return answers;
  }

  /** The chunks of a legitimate push of {@code header}: the same for both shards but for the key. */
  private static List<byte[]> pushChunks(PushHeader header, float[] gradient, Set<ChunkStream.Variation> variations,
      long knob) {
    byte[] headerBytes = header.toByteArray();
    if (variations.contains(ChunkStream.Variation.UNKNOWN_FIELDS)) {
      headerBytes = new ProtoBytes().raw(headerBytes).varint(99, knob).toByteArray();
    }
    FloatEncoding encoding = header.getEncoding();
    return new ChunkStream(new ProtoBytes().bytes(ChunkStream.LEAD_FIELD, headerBytes).toByteArray(), gradient,
        encoding, variations, knob).messages();
  }

  /** What an observer can see of a shard: its parameters (a Pull) and its status. */
  record View(ByteString params, StatusReply status) {}

  /** The view of the shard under attack. */
  View targetView() throws Exception {
    return view(targetChannel);
  }

  /** The view of the twin. */
  View twinView() throws Exception {
    return view(twinChannel);
  }

  private View view(ManagedChannel c) throws Exception {
    SliceAnswer pull = slice(await(RawCall.start(c, SERVICE + "Pull", MethodType.SERVER_STREAMING, metadata(),
        List.of(PullRequest.newBuilder().setWorkerId(LEGIT_WORKER).setSessionKey(legitKey(c)).build().toByteArray()), true, DEADLINE_MILLIS)));
    requireOk("pull", pull.status());
    return new View(pull.values(), status(c));
  }

  /** The status of the shard under attack; fails if the shard does not answer it (it is not alive). */
  StatusReply targetStatus() throws Exception {
    return status(targetChannel);
  }

  /** The status of the twin. */
  StatusReply twinStatus() throws Exception {
    return status(twinChannel);
  }

  private StatusReply status(ManagedChannel c) throws Exception {
    RawCall.Outcome o = unary(c, "Status", StatusRequest.getDefaultInstance());
    requireOk("status", o.status());
    return StatusReply.parseFrom(o.replies().get(0));
  }

  private RawCall.Outcome unary(ManagedChannel c, String method, Message request) throws Exception {
    return await(RawCall.start(c, SERVICE + method, MethodType.UNARY, metadata(), List.of(request.toByteArray()),
        true, DEADLINE_MILLIS));
  }

  /** The legitimate worker's call metadata: the job's token, where the shards require one. */
  private Metadata metadata() {
    Metadata m = Credentials.OWN.metadata(LEGIT_WORKER);
    if (guard == Guard.TOKEN) {
      m.put(BearerToken.AUTHORIZATION, BearerToken.SCHEME + TOKEN_TEXT);
    }
    return m;
  }

  /** The call's outcome; a call that outlives its deadline by far means the client side is stuck. */
  static RawCall.Outcome await(RawCall call) throws InterruptedException, ExecutionException {
    try {
      return call.outcome().get(DEADLINE_MILLIS + 20_000, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      call.cancel();
      throw new AssertionError("a call outlived its deadline by 20 s: the client is stuck");
    }
  }

  private static void requireOk(String what, RawCall.Outcome o) {
    requireOk(what, o.status());
  }

  private static void requireOk(String what, Status s) {
    if (!s.isOk()) {
      throw new AssertionError(what + " failed: " + s);
    }
  }

  /** A slice reply (PushPull or Pull) put back together from its raw chunks. */
  static SliceAnswer slice(RawCall.Outcome o) {
    SliceHeader header = null;
    ByteString values = ByteString.EMPTY;
    try {
      for (byte[] raw : o.replies()) {
        SliceChunk chunk = SliceChunk.parseFrom(raw);
        if (chunk.hasHeader()) {
          header = chunk.getHeader();
        }
        values = values.concat(chunk.getValues());
      }
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError("the shard sent a slice chunk that does not parse", e);
    }
    return new SliceAnswer(o.status(), header, values);
  }

  private static void plantSegment() {
    try {
      Files.createDirectories(SHM_DIR);
      Path planted = Path.of(PLANTED_SEGMENT);
      if (!Files.exists(planted)) {
        byte[] junk = new byte[4096];
        Arrays.fill(junk, (byte) 0x5a);
        Files.write(planted, junk);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    attackerChannels.forEach(ManagedChannel::shutdownNow);
    targetChannel.shutdownNow();
    twinChannel.shutdownNow();
    target.stop();
    twin.stop();
  }

}
