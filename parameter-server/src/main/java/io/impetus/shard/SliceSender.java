package io.impetus.shard;

import com.google.protobuf.ByteString;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.impetus.proto.SliceChunk;
import io.impetus.proto.SliceHeader;
import io.impetus.wire.FloatCodec;
import java.util.List;

/**
 * Streams a shard's slice as chunks of at most {@link FloatCodec#MAX_CHUNK_FLOATS} floats.
 *
 * <p>Runs on the update loop only: each chunk is encoded once into one reusable buffer and sent to
 * every target. gRPC serializes a message inside {@code onNext}, so the buffer is free again as soon
 * as the last target's {@code onNext} returns; no float array is copied besides the encoding itself.
 */
final class SliceSender {
  private final byte[] chunkBuffer = new byte[FloatCodec.MAX_CHUNK_FLOATS * FloatCodec.BYTES];

  /** Sends {@code params} with its version to one call and completes it. */
  void send(float[] params, long version, ServerCallStreamObserver<SliceChunk> target) {
    send(params, SliceHeader.newBuilder().setVersion(version).build(), List.of(target));
  }

  /**
   * Sends {@code params} to every call in {@code targets} and completes them; {@code header} is
   * completed with the slice length and goes in the first chunk.
   */
  void send(float[] params, SliceHeader header, List<ServerCallStreamObserver<SliceChunk>> targets) {
    int chunks = FloatCodec.chunkCount(params.length);
    for (int c = 0; c < chunks; c++) {
      int from = c * FloatCodec.MAX_CHUNK_FLOATS;
      int len = FloatCodec.chunkLength(params.length, c);
      ByteString values = FloatCodec.wrap(params, from, len, chunkBuffer);
      SliceChunk.Builder chunk = SliceChunk.newBuilder().setOffset(from).setValues(values);
      if (c == 0) {
        chunk.setHeader(header.toBuilder().setLength(params.length));
      }
      SliceChunk message = chunk.build();
      for (ServerCallStreamObserver<SliceChunk> target : targets) {
        sendQuietly(target, message);
      }
    }
    for (ServerCallStreamObserver<SliceChunk> target : targets) {
      try {
        if (!target.isCancelled()) {
          target.onCompleted();
        }
      } catch (StatusRuntimeException | IllegalStateException ignored) {
        // the worker went away after pushing; its update stands, there is nobody left to tell
      }
    }
  }

  private static void sendQuietly(ServerCallStreamObserver<SliceChunk> target, SliceChunk message) {
    try {
      if (!target.isCancelled()) {
        target.onNext(message);
      }
    } catch (StatusRuntimeException | IllegalStateException ignored) {
      // as above: a cancelled call cannot be answered
    }
  }
}
