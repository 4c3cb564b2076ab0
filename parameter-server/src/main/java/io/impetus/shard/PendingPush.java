package io.impetus.shard;

import io.grpc.StatusException;
import io.grpc.stub.ServerCallStreamObserver;
import io.impetus.proto.PushHeader;
import io.impetus.proto.SliceChunk;
import io.impetus.wire.FloatChunk;
import io.impetus.wire.SharedSegment;

/**
 * A fully received, validated gradient and the call to answer: either a streamed PushPull, whose
 * reply streams the slice in chunks, or a PushPullShared, whose reply carries only the header after
 * the slice has been written to the worker's segment (see {@link SharedAnswer}). Once the update loop has processed it,
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
  /** The answer to a shared-memory push, or null for a streamed push. */
  final SharedAnswer shared;
  long staleness;
  long stepLag;
  boolean dropped;

  private PendingPush(WorkerSlot slot, PushHeader header, ServerCallStreamObserver<FloatChunk<SliceChunk>> stream,
      SharedSegment segment, SharedAnswer shared) {
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
  static PendingPush shared(WorkerSlot slot, PushHeader header, SharedAnswer reply, SharedSegment segment) {
    return new PendingPush(slot, header, null, segment, reply);
  }

  WorkerSlot slot() {
    return slot;
  }

  PushHeader header() {
    return header;
  }

  /** Whether nobody waits for the answer any more. */
  boolean isCancelled() {
    return stream != null ? stream.isCancelled() : shared.isCancelled();
  }

  /** Answers with {@code error}. Update loop only. */
  void fail(StatusException error) {
    if (stream != null) {
      Shard.fail(stream, error);
    } else {
      shared.fail(error);
    }
  }
}
