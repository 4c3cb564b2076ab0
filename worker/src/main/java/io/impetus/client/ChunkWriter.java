package io.impetus.client;

import com.google.protobuf.Message;
import io.grpc.stub.StreamObserver;
import io.impetus.proto.FloatEncoding;
import io.impetus.wire.FloatChunk;
import io.impetus.wire.FloatCodec;

/**
 * Sends a range of a float array as the chunks of one call (at most {@link
 * FloatCodec#MAX_CHUNK_FLOATS} floats each), encoding each chunk as the channel allows:
 *
 * <ul>
 *   <li>on a channel that serializes each message once ({@link ShardChannels#serializesOnce}), each
 *       chunk is encoded straight from the array when gRPC sends it, and released right after its
 *       {@code onNext}, so the array is the caller's again as soon as {@link #write} returns;
 *   <li>on any other channel, which may serialize a message again later (a retry), after the caller
 *       changed the array, each chunk is encoded now, into the caller's buffer (which gRPC owns until
 *       the call's reply arrives) or, without one, into a new byte array.
 * </ul>
 */
final class ChunkWriter {
  /** The fields of one chunk, its float field left empty. */
  interface Fields<M extends Message> {
    /** The fields of chunk {@code index}, which starts {@code offset} floats into the range. */
    M of(int index, int offset);
  }

  private final boolean serializesOnce;

  /** @param serializesOnce whether the channel written to serializes each message once */
  ChunkWriter(boolean serializesOnce) {
    this.serializesOnce = serializesOnce;
  }

  /** A buffer for {@code floats} floats in any encoding that {@link #write} encodes into, or null if it needs none. */
  byte[] newBuffer(int floats) {
    return serializesOnce ? null : new byte[floats * FloatCodec.BYTES];
  }

  /**
   * Sends {@code values[start, start + length)} on {@code out} as chunks with {@code fields}, then
   * completes {@code out}.
   *
   * @param buffer from {@link #newBuffer} for at least {@code length} floats, or null
   */
  <M extends Message> void write(
      StreamObserver<FloatChunk<M>> out, Fields<M> fields, float[] values, int start, int length, byte[] buffer) {
    write(out, fields, values, start, length, buffer, FloatEncoding.FP32);
  }

  /**
   * As {@link #write(StreamObserver, Fields, float[], int, int, byte[])}, the values encoded in {@code
   * encoding}, which the fields' header must declare.
   */
  <M extends Message> void write(StreamObserver<FloatChunk<M>> out, Fields<M> fields, float[] values, int start,
      int length, byte[] buffer, FloatEncoding encoding) {
    int width = FloatCodec.bytesPerValue(encoding);
    for (int c = 0; c < FloatCodec.chunkCount(length); c++) {
      int from = c * FloatCodec.MAX_CHUNK_FLOATS;
      FloatChunk<M> chunk = chunk(fields.of(c, from), values, start + from, FloatCodec.chunkLength(length, c),
          buffer, from * width, encoding);
      try {
        out.onNext(chunk);
      } finally {
        chunk.release(); // its float array is the caller's again (see FloatChunk)
      }
    }
    out.onCompleted();
  }

  private <M extends Message> FloatChunk<M> chunk(
      M fields, float[] values, int from, int length, byte[] buffer, int bufferOffset, FloatEncoding encoding) {
    if (serializesOnce) {
      return FloatChunk.of(fields, values, from, length, encoding);
    }
    return FloatChunk.of(fields, buffer == null
        ? FloatCodec.encode(values, from, length, encoding)
        : FloatCodec.wrap(values, from, length, buffer, bufferOffset, encoding));
  }
}
