package io.impetus.shard.transport;

import io.grpc.stub.ServerCallStreamObserver;
import io.impetus.proto.FloatEncoding;
import io.impetus.proto.SliceChunk;
import io.impetus.proto.SliceHeader;
import io.impetus.shard.ShardException;
import io.impetus.shard.ShardException.Code;
import io.impetus.shard.SliceReply;
import io.impetus.wire.FloatChunk;
import io.impetus.wire.FloatCodec;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The answer to a PushPull or a Pull call: the slice streamed as chunks of at most {@link
 * FloatCodec#MAX_CHUNK_FLOATS} floats, the header in the first, then the call completes; or the call
 * fails with the refusal's status.
 *
 * <p>Flow control and its bound. A reply reserves its bytes in the shard's {@link ReplyBuffer} before
 * it writes anything and gives them back when the call is over (closed after its last byte left, or
 * cancelled); when the buffer is full the call fails with RESOURCE_EXHAUSTED instead, so callers that
 * do not read cannot make the shard hold more than the bound. A call that is ready ({@code isReady})
 * when the reply is due gets the whole slice at once: the fast path. A call that is not gets a
 * snapshot of the slice (its values stay those of this version while the shard moves on), written
 * chunk by chunk as {@code onReady} allows, from whichever thread sees the call ready.
 *
 * <p>Zero copy on the fast path: each chunk is encoded from the shard's parameter array straight into
 * the transport's buffers as gRPC frames it inside {@code onNext}, and released right after, so the
 * array is free for the next update once {@link #slice} returns (a call that has not consumed its
 * chunk by then, such as an in-process call, gets a copy; see {@link FloatChunk}).
 *
 * <p>The values go as float32 unless the push asked for another encoding ({@link #encodeValuesAs}),
 * which the header then declares; the shard's parameters stay float32 either way.
 */
final class StreamedReply implements SliceReply {
  private final ServerCallStreamObserver<FloatChunk<SliceChunk>> call;
  private final ReplyBuffer buffer;
  private final int shardIndex;
  /** Set by the gRPC thread before the reply is handed to the update loop, read by the loop. */
  private FloatEncoding encoding = FloatEncoding.FP32;
  /** Bytes this reply holds in the buffer; given back once, when the call is over. */
  private final AtomicLong reserved = new AtomicLong();
  /** Whether some thread is writing deferred chunks; the one that sets it writes. */
  private final AtomicBoolean writing = new AtomicBoolean();
  /** A deferred reply: its header, its snapshot and the next chunk to write (published by {@link #writing}). */
  private volatile SliceHeader deferredHeader;
  private float[] snapshot;
  private int nextChunk;

  /**
   * The reply of {@code call}, bounded by {@code buffer}. Must be made while gRPC calls the method's
   * handler (it registers the call's ready, cancel and close handlers).
   */
  StreamedReply(ServerCallStreamObserver<FloatChunk<SliceChunk>> call, ReplyBuffer buffer, int shardIndex) {
    this.call = call;
    this.buffer = buffer;
    this.shardIndex = shardIndex;
    call.setOnReadyHandler(this::writeDeferred);
    call.setOnCancelHandler(this::giveBack);
    call.setOnCloseHandler(this::giveBack);
  }

  /**
   * Runs {@code then} as well when the call closes, after the buffer has its bytes back (a call has
   * one close handler). Like the constructor, only while gRPC calls the method's handler.
   */
  void alsoOnClose(Runnable then) {
    call.setOnCloseHandler(() -> {
      giveBack();
      then.run();
    });
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
    if (call.isCancelled()) {
      return;
    }
    long bytes = (long) params.length * Float.BYTES;
    if (!buffer.tryReserve(bytes)) {
      fail(new ShardException(Code.RESOURCE_EXHAUSTED, "shard " + shardIndex + " holds " + buffer.heldBytes()
          + " bytes of replies its callers have not read, and this one of " + bytes + " bytes would pass the bound of "
          + buffer.limitBytes() + " (--max-reply-buffer-mib); read replies, or try again later"));
      return;
    }
    reserved.set(bytes);
    if (call.isCancelled()) {
      giveBack(); // cancelled meanwhile: its cancel handler may have run before the reservation
      return;
    }
    if (encoding != FloatEncoding.FP32) {
      header = header.toBuilder().setEncoding(encoding).build();
    }
    if (call.isReady()) {
      int chunks = FloatCodec.chunkCount(params.length);
      for (int c = 0; c < chunks; c++) {
        send(header, params, c);
      }
      Calls.complete(call);
      return;
    }
    // Not ready: the shard's array changes with the next update, so the reply keeps its own copy.
    snapshot = params.clone();
    nextChunk = 0;
    deferredHeader = header; // publishes snapshot and nextChunk to the thread that writes
    writeDeferred();
  }

  /**
   * Writes deferred chunks while the call is ready, then completes it after the last; called by the
   * update loop after deferring and by gRPC whenever the call turns ready. One thread at a time writes;
   * a thread that finds another writing leaves it to that one, which looks again before it stops.
   */
  private void writeDeferred() {
    do {
      if (deferredHeader == null || !writing.compareAndSet(false, true)) {
        return;
      }
      try {
        SliceHeader header = deferredHeader;
        float[] values = snapshot;
        if (values == null) {
          return; // written completely already
        }
        int chunks = FloatCodec.chunkCount(values.length);
        while (nextChunk < chunks && call.isReady() && !call.isCancelled()) {
          send(header, values, nextChunk++);
        }
        if (nextChunk == chunks) {
          snapshot = null;
          Calls.complete(call);
          return;
        }
      } finally {
        writing.set(false);
      }
    } while (call.isReady() && !call.isCancelled());
  }

  private void send(SliceHeader header, float[] values, int c) {
    int from = c * FloatCodec.MAX_CHUNK_FLOATS;
    SliceChunk.Builder fields = SliceChunk.newBuilder().setOffset(from);
    if (c == 0) {
      fields.setHeader(header);
    }
    FloatChunk<SliceChunk> chunk =
        FloatChunk.of(fields.build(), values, from, FloatCodec.chunkLength(values.length, c), encoding);
    try {
      Calls.send(call, chunk);
    } finally {
      chunk.release();
    }
  }

  /** The call is over: its bytes no longer count against the buffer. */
  private void giveBack() {
    long bytes = reserved.getAndSet(0);
    if (bytes > 0) {
      buffer.release(bytes);
    }
  }

  @Override
  public void fail(ShardException error) {
    Calls.fail(call, error);
  }
}
