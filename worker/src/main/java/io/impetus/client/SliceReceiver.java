package io.impetus.client;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.impetus.proto.FloatEncoding;
import io.impetus.proto.SliceChunk;
import io.impetus.wire.FloatChunk;
import java.util.concurrent.CompletableFuture;

/**
 * Receives one shard's slice, chunk by chunk, straight into the worker's flat parameter array at the
 * shard's range (from float32 or bfloat16, as the header declares), and completes with the header
 * (version, staleness) once the whole slice is in.
 * Shards own disjoint ranges, so receivers of different shards may write the same array at once.
 */
final class SliceReceiver implements StreamObserver<FloatChunk<SliceChunk>> {
  /** The header fields of a completed reply. */
  record Received(long version, long staleness, long stepLag, boolean dropped) {}

  private final float[] params;
  private final int rangeStart;
  private final int length;
  private final int shard;
  private final CompletableFuture<Received> done = new CompletableFuture<>();
  private long version = -1;
  private long staleness;
  private long stepLag;
  private boolean dropped;
  private FloatEncoding encoding = FloatEncoding.FP32;
  private long received;

  SliceReceiver(float[] params, int rangeStart, int length, int shard) {
    this.params = params;
    this.rangeStart = rangeStart;
    this.length = length;
    this.shard = shard;
  }

  CompletableFuture<Received> result() {
    return done;
  }

  @Override
  public void onNext(FloatChunk<SliceChunk> message) {
    if (done.isDone()) {
      return;
    }
    try {
      SliceChunk chunk = message.fields();
      if (chunk.hasHeader()) {
        if (chunk.getHeader().getLength() != length) {
          throw new IllegalStateException(
              "shard " + shard + " sent a slice of " + chunk.getHeader().getLength() + " values, expected " + length);
        }
        version = chunk.getHeader().getVersion();
        staleness = chunk.getHeader().getStaleness();
        stepLag = chunk.getHeader().getStepLag();
        dropped = chunk.getHeader().getDropped();
        encoding = chunk.getHeader().getEncoding();
        if (encoding == FloatEncoding.UNRECOGNIZED) {
          throw new IllegalStateException(
              "shard " + shard + " sent values in unknown float encoding " + chunk.getHeader().getEncodingValue());
        }
      }
      if (chunk.getOffset() != received) {
        throw new IllegalStateException("shard " + shard + " sent chunk at offset " + chunk.getOffset() + ", expected " + received);
      }
      int count = message.floatCount(encoding);
      if (received + count > length) {
        throw new IllegalStateException("shard " + shard + " sent more than " + length + " values");
      }
      message.decode(params, rangeStart + (int) received, encoding);
      received += count;
    } catch (RuntimeException e) {
      done.completeExceptionally(Status.INTERNAL.withDescription(e.getMessage()).asRuntimeException());
    }
  }

  @Override
  public void onError(Throwable t) {
    done.completeExceptionally(t);
  }

  @Override
  public void onCompleted() {
    if (version < 0 || received != length) {
      done.completeExceptionally(
          Status.INTERNAL
              .withDescription("shard " + shard + " ended its reply after " + received + " of " + length + " values")
              .asRuntimeException());
    } else {
      done.complete(new Received(version, staleness, stepLag, dropped));
    }
  }
}
