package io.impetus.shard;

import io.grpc.stub.ServerCallStreamObserver;
import io.impetus.proto.PushHeader;
import io.impetus.proto.SliceChunk;
import io.impetus.proto.SliceHeader;
import io.impetus.wire.FloatChunk;
import io.impetus.wire.SharedSegment;

/**
 * A fully received, validated gradient and the call to answer: either a streamed PushPull, whose
 * reply streams the slice in chunks, or a PushPullShared, whose reply carries only the header after
 * the slice has been written to the worker's segment. Once the update loop has processed it,
 * {@code staleness} and {@code stepLag} hold what was measured, and {@code dropped} whether the
 * gradient was refused.
 */
final class PendingPush {
  final WorkerSlot slot;
  final PushHeader header;
  /** The streamed reply, or null for a shared-memory push. */
  final ServerCallStreamObserver<FloatChunk<SliceChunk>> stream;
  /** The worker's segment, or null for a streamed push. */
  final SharedSegment segment;
  /** The reply of a shared-memory push, or null for a streamed push. */
  final ServerCallStreamObserver<SliceHeader> shared;
  long staleness;
  long stepLag;
  boolean dropped;

  private PendingPush(WorkerSlot slot, PushHeader header, ServerCallStreamObserver<FloatChunk<SliceChunk>> stream,
      SharedSegment segment, ServerCallStreamObserver<SliceHeader> shared) {
    this.slot = slot;
    this.header = header;
    this.stream = stream;
    this.segment = segment;
    this.shared = shared;
  }

  /** A push whose gradient arrived in chunks and whose reply streams the slice back. */
  static PendingPush streamed(WorkerSlot slot, PushHeader header, ServerCallStreamObserver<FloatChunk<SliceChunk>> reply) {
    return new PendingPush(slot, header, reply, null, null);
  }

  /** A push whose gradient was read from {@code segment}, where the reply's slice goes too. */
  static PendingPush shared(WorkerSlot slot, PushHeader header, ServerCallStreamObserver<SliceHeader> reply,
      SharedSegment segment) {
    return new PendingPush(slot, header, null, segment, reply);
  }

  WorkerSlot slot() {
    return slot;
  }

  PushHeader header() {
    return header;
  }

  /** The gRPC call to answer, whichever kind it is. */
  ServerCallStreamObserver<?> call() {
    return stream != null ? stream : shared;
  }
}
