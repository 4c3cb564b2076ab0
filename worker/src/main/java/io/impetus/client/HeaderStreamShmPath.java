package io.impetus.client;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.impetus.proto.PushHeader;
import io.impetus.proto.ShardGrpc;
import io.impetus.proto.SharedPushReply;
import io.impetus.wire.SharedSegment;

/**
 * The shm path with headers and answers on a header stream: one long-lived PushPullSharedStream call
 * per link. The carrier for shards that offer no doorbell, or whose doorbell this worker cannot
 * reach. Answers arrive on the channel's transport thread.
 */
final class HeaderStreamShmPath extends ShmPath implements StreamObserver<SharedPushReply> {
  private final StreamObserver<PushHeader> requests;

  /** Opens the header stream to {@code shard}, whose range starts at {@code start}. */
  HeaderStreamShmPath(int shard, SharedSegment segment, int start, ShardGrpc.ShardStub stub) {
    super(shard, segment, start);
    this.requests = stub.pushPullSharedStream(this);
  }

  @Override
  void send(PushHeader header) {
    requests.onNext(header);
  }

  @Override
  String carrier() {
    return "header stream";
  }

  @Override
  public String dataPlane() {
    return "shm-stream";
  }

  @Override
  public void onNext(SharedPushReply reply) {
    answer(reply);
  }

  @Override
  public void onError(Throwable t) {
    end(t);
  }

  @Override
  public void onCompleted() {
    end(Status.UNAVAILABLE.withDescription("shard " + shard + " closed the header stream").asRuntimeException());
  }

  @Override
  public void close() {
    if (!isClosed()) {
      end(Status.CANCELLED.withDescription("closed by the worker").asRuntimeException());
      try {
        requests.onCompleted();
      } catch (RuntimeException ignored) {
        // ended already
      }
    }
  }
}
