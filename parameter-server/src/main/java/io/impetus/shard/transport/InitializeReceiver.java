package io.impetus.shard.transport;

import io.grpc.stub.StreamObserver;
import io.impetus.proto.InitializeChunk;
import io.impetus.proto.InitializeReply;
import io.impetus.shard.Shard;
import io.impetus.shard.ShardException;
import io.impetus.shard.ShardException.Code;
import io.impetus.shard.UpdateLoop;
import io.impetus.wire.FloatChunk;

/**
 * One Initialize call: the initial values arrive in chunks, decoded on the gRPC thread into an array of
 * the shard's slice length (fixed by a join before, so a caller cannot make the shard allocate more),
 * and are checked (count, finiteness) on the update loop, which then initializes the shard unless
 * another worker already did.
 */
final class InitializeReceiver implements StreamObserver<FloatChunk<InitializeChunk>> {
  private final Shard shard;
  private final UpdateLoop loop;
  private final StreamObserver<InitializeReply> reply;
  private ChunkTarget values;
  private boolean failed;

  InitializeReceiver(Shard shard, UpdateLoop loop, StreamObserver<InitializeReply> reply) {
    this.shard = shard;
    this.loop = loop;
    this.reply = reply;
  }

  @Override
  public void onNext(FloatChunk<InitializeChunk> chunk) {
    if (failed) {
      return;
    }
    try {
      if (values == null) {
        int length = shard.sliceLength();
        if (length < 0) {
          throw new ShardException(Code.FAILED_PRECONDITION, "join shard " + shard.index() + " before initializing it");
        }
        values = new ChunkTarget(new float[length]);
      }
      values.decode(chunk.fields().getOffset(), chunk, "initial values");
    } catch (ShardException e) {
      failed = true;
      Calls.fail(reply, e);
    }
  }

  @Override
  public void onError(Throwable t) {
    failed = true;
  }

  @Override
  public void onCompleted() {
    if (failed) {
      return;
    }
    ChunkTarget complete = values == null ? new ChunkTarget(new float[0]) : values;
    Calls.unary(loop, reply, () -> {
      float[] initial = complete.values;
      if (complete.received != initial.length) {
        throw new ShardException(Code.INVALID_ARGUMENT, "initial values have " + complete.received + " floats, shard "
            + shard.index() + " expects " + initial.length);
      }
      int bad = complete.firstNonFinite;
      if (bad >= 0) {
        throw new ShardException(Code.INVALID_ARGUMENT, "initial value " + bad + " is " + initial[bad]);
      }
      boolean already = shard.initialize(initial);
      return InitializeReply.newBuilder().setAlreadyInitialized(already).setVersion(0).build();
    });
  }
}
