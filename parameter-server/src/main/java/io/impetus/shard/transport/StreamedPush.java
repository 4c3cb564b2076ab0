package io.impetus.shard.transport;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.impetus.proto.FloatEncoding;
import io.impetus.proto.PushChunk;
import io.impetus.proto.PushHeader;
import io.impetus.proto.SliceChunk;
import io.impetus.shard.Shard;
import io.impetus.shard.ShardException;
import io.impetus.shard.ShardException.Code;
import io.impetus.shard.UpdateLoop;
import io.impetus.shard.WorkerSlot;
import io.impetus.wire.FloatChunk;
import io.impetus.wire.Reason;

/**
 * One PushPull call, the data plane between hosts: the gradient arrives in chunks (header in the
 * first) and the fresh slice leaves in chunks ({@link StreamedReply}), each in the encoding the header
 * declares for it (float32, or bfloat16 for a worker that saves wire bytes; the shard decodes into
 * its float32 buffers, so its parameters and optimizer state stay float32).
 *
 * <p>Each chunk is decoded on the gRPC thread straight into the worker's gradient buffer (claimed
 * with {@link Shard#claim} at the first chunk) and the push is validated completely (length, order,
 * finiteness) before the update loop sees it, so a bad push never touches the shard. Finiteness is
 * checked while each chunk is decoded; a bad value is only reported once the push is complete, so a
 * short push is still reported as wrong_length.
 *
 * <p>Until its last chunk arrives the stream is watched by {@link IdlePushStreams}: a client silent
 * for {@code --stream-idle-timeout} has its stream cancelled and its worker's slot freed. gRPC calls
 * this observer's methods one at a time; the watch's timer thread may cancel at any moment, so the
 * state they share is guarded by this object's lock (held only while a chunk is decoded).
 */
final class StreamedPush implements StreamObserver<FloatChunk<PushChunk>> {
  private final Shard shard;
  private final UpdateLoop loop;
  private final StreamedReply reply;
  private WorkerSlot slot;
  private PushHeader header;
  private FloatEncoding encoding;
  private ChunkTarget gradient;
  private boolean failed;
  /** The claimed slot went to the update loop with the push, or back to the worker: it is no longer ours. */
  private boolean settled;
  /** gRPC has closed the call: nothing more of it is taken. */
  private boolean closed;
  private final IdlePushStreams idle;
  /** When the client last sent something (on the watch's clock). */
  private long lastHeardNanos;

  StreamedPush(Shard shard, UpdateLoop loop, ServerCallStreamObserver<FloatChunk<SliceChunk>> call, ReplyBuffer replies,
      IdlePushStreams idle) {
    this.shard = shard;
    this.loop = loop;
    this.reply = new StreamedReply(call, replies, shard.index());
    this.idle = idle;
    this.lastHeardNanos = idle.now();
    idle.watch(this);
    // A call can end without this observer hearing of it: when a later chunk does not parse, gRPC
    // closes the call itself and reports it to the handler as completed, with no onError. Without
    // this, the slot claimed at the first chunk stayed claimed and its worker could never push here again.
    reply.alsoOnClose(this::closed);
  }

  /** The call is over, whoever ended it. */
  private synchronized void closed() {
    closed = true;
    idle.unwatch(this);
    releaseUnlessSubmitted();
  }

  @Override
  public synchronized void onNext(FloatChunk<PushChunk> chunk) {
    if (failed || closed) {
      return;
    }
    lastHeardNanos = idle.now();
    try {
      PushChunk fields = chunk.fields();
      if (slot == null) {
        start(fields);
      } else if (fields.hasHeader()) {
        throw shard.refuse("malformed", Code.INVALID_ARGUMENT, Reason.MALFORMED, "only the first chunk of a push may carry a header");
      }
      gradient.decode(fields.getOffset(), chunk, "gradient", encoding);
    } catch (ShardException e) {
      fail(e);
    }
  }

  private void start(PushChunk chunk) throws ShardException {
    if (!chunk.hasHeader()) {
      throw shard.refuse("malformed", Code.INVALID_ARGUMENT, Reason.MALFORMED, "the first chunk of a push must carry its header");
    }
    header = chunk.getHeader();
    slot = shard.claim(header); // checks the header's fields, the encodings among them
    encoding = header.getEncoding();
    reply.encodeValuesAs(header.getReplyEncoding());
    gradient = new ChunkTarget(slot.gradient());
  }

  @Override
  public synchronized void onError(Throwable t) {
    failed = true;
    idle.unwatch(this);
    releaseUnlessSubmitted();
  }

  /**
   * Cancels this push if its client has sent nothing since {@code cutoffNanos} while the shard waits
   * for its chunks: the slot goes back and the call ends with CANCELLED, saying why. False if the
   * client spoke since, or the push is over or handed to the update loop.
   */
  synchronized boolean cancelIfSilentSince(long cutoffNanos) {
    if (failed || closed || settled || lastHeardNanos > cutoffNanos) {
      return false;
    }
    String who = header == null ? "a push stream" : "the push stream of worker " + header.getWorkerId();
    fail(new ShardException(Code.CANCELLED, who + " sent nothing for " + idle.timeoutMillis() / 1000.0
        + " s while shard " + shard.index() + " waited for its gradient (--stream-idle-timeout); the push is dropped"
        + (slot == null ? "" : " and the worker's push slot freed")));
    return true;
  }

  @Override
  public synchronized void onCompleted() {
    idle.unwatch(this);
    if (failed || closed) {
      return;
    }
    try {
      if (slot == null) {
        throw shard.refuse("malformed", Code.INVALID_ARGUMENT, Reason.MALFORMED, "empty push: no header and no gradient");
      }
      int length = slot.gradient().length;
      if (gradient.received != length) {
        throw shard.refuse("wrong_length", Code.INVALID_ARGUMENT, Reason.WRONG_LENGTH,
            "gradient has " + gradient.received + " values, shard " + shard.index() + " expects " + length);
      }
      if (gradient.firstNonFinite >= 0) {
        throw shard.nonFinite(slot, header, gradient.firstNonFinite);
      }
      settled = true;
      WorkerSlot pushed = slot;
      PushHeader pushedHeader = header;
      Calls.submit(loop, () -> shard.push(pushed, pushedHeader, reply), refusal -> {
        // Not queued, or failed on the loop: the buffer goes back before the worker hears of it, so
        // its next push finds it free.
        pushed.release();
        reply.fail(refusal);
      }, false);
    } catch (ShardException e) {
      fail(e);
    }
  }

  private void fail(ShardException e) {
    failed = true;
    idle.unwatch(this);
    releaseUnlessSubmitted();
    reply.fail(e);
  }

  /** Gives the claimed slot back unless the push went to the update loop; once, whatever calls it. */
  private void releaseUnlessSubmitted() {
    if (slot != null && !settled) {
      settled = true;
      slot.release();
    }
  }
}
