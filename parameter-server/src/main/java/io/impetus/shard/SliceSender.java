package io.impetus.shard;

import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.impetus.proto.SliceChunk;
import io.impetus.proto.SliceHeader;
import io.impetus.wire.FloatChunk;
import io.impetus.wire.FloatCodec;
import java.util.List;

/**
 * Streams a shard's slice as chunks of at most {@link FloatCodec#MAX_CHUNK_FLOATS} floats.
 *
 * <p>Runs on the update loop only, which is also the only writer of the parameters: each chunk is
 * encoded from the parameter array straight into every target's transport buffers as gRPC frames it
 * inside {@code onNext}, and released once the last target's {@code onNext} has returned, so the next
 * update may change the parameters (a target that has not consumed its chunk by then, such as an
 * in-process call, gets a copy).
 */
final class SliceSender {

  /** Sends {@code params} with its version to one call and completes it. */
  void send(float[] params, long version, ServerCallStreamObserver<FloatChunk<SliceChunk>> target) {
    send(params, SliceHeader.newBuilder().setVersion(version).build(), List.of(target));
  }

  /**
   * Sends {@code params} to every call in {@code targets} and completes them; {@code header} is
   * completed with the slice length and goes in the first chunk.
   */
  void send(float[] params, SliceHeader header, List<ServerCallStreamObserver<FloatChunk<SliceChunk>>> targets) {
    int chunks = FloatCodec.chunkCount(params.length);
    for (int c = 0; c < chunks; c++) {
      int from = c * FloatCodec.MAX_CHUNK_FLOATS;
      SliceChunk.Builder fields = SliceChunk.newBuilder().setOffset(from);
      if (c == 0) {
        fields.setHeader(header.toBuilder().setLength(params.length));
      }
      FloatChunk<SliceChunk> chunk = FloatChunk.of(fields.build(), params, from, FloatCodec.chunkLength(params.length, c));
      try {
        for (ServerCallStreamObserver<FloatChunk<SliceChunk>> target : targets) {
          sendQuietly(target, chunk);
        }
      } finally {
        chunk.release();
      }
    }
    for (ServerCallStreamObserver<FloatChunk<SliceChunk>> target : targets) {
      try {
        if (!target.isCancelled()) {
          target.onCompleted();
        }
      } catch (StatusRuntimeException | IllegalStateException ignored) {
        // the worker went away after pushing; its update stands, there is nobody left to tell
      }
    }
  }

  private static void sendQuietly(ServerCallStreamObserver<FloatChunk<SliceChunk>> target, FloatChunk<SliceChunk> chunk) {
    try {
      if (!target.isCancelled()) {
        target.onNext(chunk);
      }
    } catch (StatusRuntimeException | IllegalStateException ignored) {
      // as above: a cancelled call cannot be answered
    }
  }
}
