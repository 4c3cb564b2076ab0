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
  private boolean submitted;
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
  }

  @Override
  public synchronized void onNext(FloatChunk<PushChunk> chunk) {
    if (failed) {
      return;
    }
    lastHeardNanos = idle.now();
    try {
      PushChunk fields = chunk.fields();
      if (slot == null) {
        start(fields);
      } else if (fields.hasHeader()) {
        throw shard.refuse("malformed", Code.INVALID_ARGUMENT, "only the first chunk of a push may carry a header");
      }
      gradient.decode(fields.getOffset(), chunk, "gradient", encoding);
    } catch (ShardException e) {
      fail(e);
    }
  }

  private void start(PushChunk chunk) throws ShardException {
    if (!chunk.hasHeader()) {
      throw shard.refuse("malformed", Code.INVALID_ARGUMENT, "the first chunk of a push must carry its header");
    }
    header = chunk.getHeader();
    if (header.getEncoding() == FloatEncoding.UNRECOGNIZED || header.getReplyEncoding() == FloatEncoding.UNRECOGNIZED) {
      throw shard.refuse("malformed", Code.INVALID_ARGUMENT, "unknown float encoding in the push header: encoding "
          + header.getEncodingValue() + ", reply_encoding " + header.getReplyEncodingValue() + " (known: "
          + FloatEncoding.FP32.getNumber() + " FP32, " + FloatEncoding.BF16.getNumber() + " BF16)");
    }
    encoding = header.getEncoding();
    reply.encodeValuesAs(header.getReplyEncoding());
    slot = shard.claim(header);
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
    if (failed || submitted || lastHeardNanos > cutoffNanos) {
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
    if (failed) {
      return;
    }
    try {
      if (slot == null) {
        throw shard.refuse("malformed", Code.INVALID_ARGUMENT, "empty push: no header and no gradient");
      }
      int length = slot.gradient().length;
      if (gradient.received != length) {
        throw shard.refuse("wrong_length", Code.INVALID_ARGUMENT,
            "gradient has " + gradient.received + " values, shard " + shard.index() + " expects " + length);
      }
      if (gradient.firstNonFinite >= 0) {
        throw shard.nonFinite(slot, header, gradient.firstNonFinite);
      }
      submitted = true;
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

  private void releaseUnlessSubmitted() {
    if (slot != null && !submitted) {
      slot.release();
    }
  }
}
