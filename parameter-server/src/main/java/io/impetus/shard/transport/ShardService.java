package io.impetus.shard.transport;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.impetus.proto.AttachSegmentReply;
import io.impetus.proto.AttachSegmentRequest;
import io.impetus.proto.HeartbeatReply;
import io.impetus.proto.HeartbeatRequest;
import io.impetus.proto.InitializeChunk;
import io.impetus.proto.InitializeReply;
import io.impetus.proto.JoinReply;
import io.impetus.proto.JoinRequest;
import io.impetus.proto.LeaveReply;
import io.impetus.proto.LeaveRequest;
import io.impetus.proto.PullRequest;
import io.impetus.proto.PushChunk;
import io.impetus.proto.PushHeader;
import io.impetus.proto.ShardGrpc;
import io.impetus.proto.SharedPushReply;
import io.impetus.proto.SliceChunk;
import io.impetus.proto.StatusReply;
import io.impetus.proto.StatusRequest;
import io.impetus.shard.Shard;
import io.impetus.shard.UpdateLoop;
import io.impetus.wire.FloatChunk;
import io.impetus.wire.WireMethods;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * The gRPC face of one {@link Shard}. Handlers decode and validate on gRPC threads, then hand the
 * request to the shard's {@link UpdateLoop}, which runs it and answers. No handler blocks: a push that
 * must wait (a sync round, an ssp bound) is parked in the shard and answered later.
 *
 * <p>Every call for a worker id but Join carries the session key its Join returned, and the shard
 * checks it before anything else ({@link Shard#claim}, {@link Shard#requireSession}).
 *
 * <p>The float-carrying methods are the {@link WireMethods.ChunkHandlers}, bound by {@link
 * WireMethods#bind}; the generated {@code initialize}, {@code pull} and {@code pushPull} stay unused.
 */
public final class ShardService extends ShardGrpc.ShardImplBase implements WireMethods.ChunkHandlers {
  private final Shard shard;
  private final UpdateLoop loop;
  private final SegmentPushes segments;
  private final SharedPushStreams sharedStreams;
  private final ReplyBuffer replies;
  private final IdlePushStreams idlePushes;
  /** Adds what the server's edge counted (bounds) to the core's status. */
  private final UnaryOperator<StatusReply> withEdge;
  /** The doorbell AttachSegment replies offer, or null. */
  private volatile Path doorbell;

  /**
   * The service of {@code shard}, whose state {@code loop} owns; shared-memory pushes go to {@code
   * segments}, slice replies are bounded by {@code replies}, and push streams waiting for chunks are
   * watched by {@code idlePushes}; Status replies are the core's status completed by {@code withEdge}.
   */
  public ShardService(Shard shard, UpdateLoop loop, SegmentPushes segments, ReplyBuffer replies,
      IdlePushStreams idlePushes, UnaryOperator<StatusReply> withEdge) {
    this.withEdge = withEdge;
    this.shard = shard;
    this.loop = loop;
    this.segments = segments;
    this.replies = replies;
    this.idlePushes = idlePushes;
    this.sharedStreams = new SharedPushStreams(segments, loop);
  }

  /** Join: registers a worker and checks its layout. */
  @Override
  public void join(JoinRequest request, StreamObserver<JoinReply> reply) {
    Calls.unary(loop, reply, () -> shard.join(request));
  }

  /** Initialize: the initial values, in chunks; the first complete initialization wins. */
  @Override
  public StreamObserver<FloatChunk<InitializeChunk>> initializeChunks(StreamObserver<InitializeReply> reply) {
    return new InitializeReceiver(shard, loop, reply);
  }

  /** Pull: the current slice and its version, in chunks. */
  @Override
  public void pullChunks(PullRequest request, StreamObserver<FloatChunk<SliceChunk>> reply) {
    StreamedReply answer =
        new StreamedReply((ServerCallStreamObserver<FloatChunk<SliceChunk>>) reply, replies, shard.index());
    Calls.submit(loop, () -> shard.pull(request.getWorkerId(), request.getSessionKey(), answer), answer::fail, false);
  }

  /** PushPull: a gradient in chunks; the fresh slice in chunks once the consistency mode allows. */
  @Override
  public StreamObserver<FloatChunk<PushChunk>> pushPullChunks(StreamObserver<FloatChunk<SliceChunk>> reply) {
    return new StreamedPush(shard, loop, (ServerCallStreamObserver<FloatChunk<SliceChunk>>) reply, replies, idlePushes);
  }

  /** Leave: the worker has finished and no longer counts towards any barrier. */
  @Override
  public void leave(LeaveRequest request, StreamObserver<LeaveReply> reply) {
    Calls.unary(loop, reply,
        () -> LeaveReply.newBuilder().setVersion(shard.leave(request.getWorkerId(), request.getSessionKey())).build());
  }

  /** Heartbeat: renews the worker's lease, or says it has none. */
  @Override
  public void heartbeat(HeartbeatRequest request, StreamObserver<HeartbeatReply> reply) {
    Calls.unary(loop, reply, () -> HeartbeatReply.newBuilder()
        .setLive(shard.heartbeat(request.getWorkerId(), request.getSessionKey())).build());
  }

  /** Status: version, workers, staleness and rejections. */
  @Override
  public void status(StatusRequest request, StreamObserver<StatusReply> reply) {
    Calls.unary(loop, reply, () -> withEdge.apply(shard.status()));
  }

  /** From now on, offer the doorbell at {@code socket} to workers that attach a segment. */
  public void offerDoorbell(Path socket) {
    this.doorbell = socket;
  }

  /** AttachSegment: the worker's shared-memory segment, and the doorbell if the shard has one. */
  @Override
  public void attachSegment(AttachSegmentRequest request, StreamObserver<AttachSegmentReply> reply) {
    Calls.unary(loop, reply, () -> {
      segments.attach(request);
      Path bell = doorbell;
      return bell == null ? AttachSegmentReply.getDefaultInstance()
          : AttachSegmentReply.newBuilder().setDoorbell(bell.toString()).build();
    });
  }

  /** PushPullSharedStream: shared-memory pushes whose headers and answers are the stream's messages. */
  @Override
  public StreamObserver<PushHeader> pushPullSharedStream(StreamObserver<SharedPushReply> replies) {
    return sharedStreams.open((ServerCallStreamObserver<SharedPushReply>) replies);
  }

  /** Ends every open PushPullSharedStream (after the answers queued before), for a stopping server. */
  public void closeStreams() {
    sharedStreams.closeAll();
  }
}
