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

  StreamedPush(Shard shard, UpdateLoop loop, ServerCallStreamObserver<FloatChunk<SliceChunk>> call) {
    this.shard = shard;
    this.loop = loop;
    this.reply = new StreamedReply(call);
  }

  @Override
  public void onNext(FloatChunk<PushChunk> chunk) {
    if (failed) {
      return;
    }
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
    if (header.getEncoding() == FloatEncoding.UNRECOGNIZED || header.getReplyEncoding() == FloatEncoding.UNRECOGNIZED) {
      throw shard.refuse("malformed", Code.INVALID_ARGUMENT, Reason.MALFORMED, "unknown float encoding in the push header: encoding "
          + header.getEncodingValue() + ", reply_encoding " + header.getReplyEncodingValue() + " (known: "
          + FloatEncoding.FP32.getNumber() + " FP32, " + FloatEncoding.BF16.getNumber() + " BF16)");
    }
    encoding = header.getEncoding();
    reply.encodeValuesAs(header.getReplyEncoding());
    slot = shard.claim(header);
    gradient = new ChunkTarget(slot.gradient());
  }

  @Override
  public void onError(Throwable t) {
    failed = true;
    releaseUnlessSubmitted();
  }

  @Override
  public void onCompleted() {
    if (failed) {
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
      submitted = true;
      WorkerSlot pushed = slot;
      PushHeader pushedHeader = header;
      loop.execute(() -> shard.push(pushed, pushedHeader, reply));
    } catch (ShardException e) {
      fail(e);
    }
  }

  private void fail(ShardException e) {
    failed = true;
    releaseUnlessSubmitted();
    reply.fail(e);
  }

  private void releaseUnlessSubmitted() {
    if (slot != null && !submitted) {
      slot.release();
    }
  }
}
