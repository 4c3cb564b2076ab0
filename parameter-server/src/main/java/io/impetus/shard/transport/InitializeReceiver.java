package io.impetus.shard.transport;

import io.grpc.stub.StreamObserver;
import io.impetus.proto.InitializeChunk;
import io.impetus.proto.InitializeReply;
import io.impetus.shard.Shard;
import io.impetus.shard.ShardException;
import io.impetus.shard.ShardException.Code;
import io.impetus.shard.UpdateLoop;
import io.impetus.wire.FloatChunk;
import io.impetus.wire.Reason;

/**
 * One Initialize call: the first chunk names a worker and carries its session key, which must be a
 * live session's (so only a joined worker initializes, and a refused caller makes the shard allocate
 * nothing); the initial values arrive in chunks, decoded on the gRPC thread into an array of
 * the shard's slice length (fixed by that worker's join, so a caller cannot make the shard allocate more),
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
        // Only a joined worker's own session may initialize, and that is checked before anything is allocated.
        InitializeChunk first = chunk.fields();
        shard.requireSession(first.getWorkerId(), first.getSessionKey(), "Initialize");
        values = new ChunkTarget(new float[shard.sliceLength()]);
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
        throw new ShardException(Code.INVALID_ARGUMENT, Reason.WRONG_LENGTH, "initial values have " + complete.received + " floats, shard "
            + shard.index() + " expects " + initial.length);
      }
      int bad = complete.firstNonFinite;
      if (bad >= 0) {
        throw new ShardException(Code.INVALID_ARGUMENT, Reason.NON_FINITE, "initial value " + bad + " is " + initial[bad]);
      }
      boolean already = shard.initialize(initial);
      return InitializeReply.newBuilder().setAlreadyInitialized(already).setVersion(0).build();
    });
  }
}
