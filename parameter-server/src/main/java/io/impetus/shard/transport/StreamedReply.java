package io.impetus.shard.transport;

import io.grpc.stub.ServerCallStreamObserver;
import io.impetus.proto.FloatEncoding;
import io.impetus.proto.SliceChunk;
import io.impetus.proto.SliceHeader;
import io.impetus.shard.ShardException;
import io.impetus.shard.SliceReply;
import io.impetus.wire.FloatChunk;
import io.impetus.wire.FloatCodec;

/**
 * The answer to a PushPull or a Pull call: the slice streamed as chunks of at most {@link
 * FloatCodec#MAX_CHUNK_FLOATS} floats, the header in the first, then the call completes; or the call
 * fails with the refusal's status.
 *
 * <p>Zero copy: each chunk is encoded from the shard's parameter array straight into the transport's
 * buffers as gRPC frames it inside {@code onNext}, and released right after, so the array is free for
 * the next update once {@link #slice} returns (a call that has not consumed its chunk by then, such as
 * an in-process call, gets a copy; see {@link FloatChunk}).
 *
 * <p>The values go as float32 unless the push asked for another encoding ({@link #encodeValuesAs}),
 * which the header then declares; the shard's parameters stay float32 either way.
 */
final class StreamedReply implements SliceReply {
  private final ServerCallStreamObserver<FloatChunk<SliceChunk>> call;
  /** Set by the gRPC thread before the reply is handed to the update loop, read by the loop. */
  private FloatEncoding encoding = FloatEncoding.FP32;

  StreamedReply(ServerCallStreamObserver<FloatChunk<SliceChunk>> call) {
    this.call = call;
  }

  /** Sends the slice's values in {@code encoding} (a known one); call before handing the reply on. */
  void encodeValuesAs(FloatEncoding encoding) {
    this.encoding = encoding;
  }

  @Override
  public boolean isCancelled() {
    return call.isCancelled();
  }

  @Override
  public void slice(SliceHeader header, float[] params) {
    if (encoding != FloatEncoding.FP32) {
      header = header.toBuilder().setEncoding(encoding).build();
    }
    int chunks = FloatCodec.chunkCount(params.length);
    for (int c = 0; c < chunks; c++) {
      int from = c * FloatCodec.MAX_CHUNK_FLOATS;
      SliceChunk.Builder fields = SliceChunk.newBuilder().setOffset(from);
      if (c == 0) {
        fields.setHeader(header);
      }
      FloatChunk<SliceChunk> chunk =
          FloatChunk.of(fields.build(), params, from, FloatCodec.chunkLength(params.length, c), encoding);
      try {
        Calls.send(call, chunk);
      } finally {
        chunk.release();
      }
    }
    Calls.complete(call);
  }

  @Override
  public void fail(ShardException error) {
    Calls.fail(call, error);
  }
}
