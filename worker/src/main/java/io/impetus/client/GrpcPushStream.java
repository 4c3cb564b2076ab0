package io.impetus.client;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.impetus.proto.PushHeader;
import io.impetus.proto.ShardGrpc;
import io.impetus.proto.SharedPushReply;
import io.impetus.wire.SharedSegment;

/**
 * Segment pushes whose headers and answers travel on one long-lived PushPullSharedStream: the
 * carrier for shards that offer no doorbell, or whose doorbell this worker cannot reach. Answers
 * arrive on the channel's transport thread.
 */
final class GrpcPushStream extends SegmentPushes implements StreamObserver<SharedPushReply> {
  private final StreamObserver<PushHeader> requests;

  GrpcPushStream(int shard, SharedSegment segment, ShardGrpc.ShardStub stub) {
    super(shard, segment);
    this.requests = stub.pushPullSharedStream(this);
  }

  @Override
  void send(PushHeader header) {
    requests.onNext(header);
  }

  @Override
  String carrier() {
    return "push stream";
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
    end(Status.UNAVAILABLE.withDescription("shard " + shard + " closed the push stream").asRuntimeException());
  }

  @Override
  void close() {
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
