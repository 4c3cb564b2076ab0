package io.impetus.shard;

import io.grpc.stub.ServerCallStreamObserver;
import io.impetus.proto.PushHeader;
import io.impetus.proto.SliceChunk;
import io.impetus.wire.FloatChunk;

/**
 * A fully received, validated gradient and the call to answer. Once the update loop has processed
 * it, {@code staleness} and {@code stepLag} hold what was measured, and {@code dropped} whether the
 * gradient was refused.
 */
final class PendingPush {
  final WorkerSlot slot;
  final PushHeader header;
  final ServerCallStreamObserver<FloatChunk<SliceChunk>> reply;
  long staleness;
  long stepLag;
  boolean dropped;

  PendingPush(WorkerSlot slot, PushHeader header, ServerCallStreamObserver<FloatChunk<SliceChunk>> reply) {
    this.slot = slot;
    this.header = header;
    this.reply = reply;
  }

  WorkerSlot slot() {
    return slot;
  }

  PushHeader header() {
    return header;
  }

  ServerCallStreamObserver<FloatChunk<SliceChunk>> reply() {
    return reply;
  }
}
