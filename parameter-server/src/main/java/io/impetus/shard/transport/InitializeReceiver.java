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
 *
 * <p>Nothing is buffered before the first chunk has shown that the call may initialize: a shard that
 * already has its values answers {@code already_initialized} at once and reads the rest of the call
 * without keeping it, and a worker that has not joined (or no longer is live) is refused.
 */
final class InitializeReceiver implements StreamObserver<FloatChunk<InitializeChunk>> {
  private final Shard shard;
  private final UpdateLoop loop;
  private final StreamObserver<InitializeReply> reply;
  private ChunkTarget values;
  /** The call is answered (refused, or already initialized): later chunks are read and dropped. */
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
      if (values == null && !startOrAnswer(chunk.fields())) {
        return;
      }
      values.decode(chunk.fields().getOffset(), chunk, "initial values");
    } catch (ShardException e) {
      failed = true;
      Calls.fail(reply, e);
    }
  }

  /**
   * At the first chunk: answers {@code already_initialized} when the shard has its values (false), or
   * allocates the slice's buffer for a live worker (true).
   */
  private boolean startOrAnswer(InitializeChunk first) throws ShardException {
    if (shard.initialized()) {
      failed = true;
      Calls.send(reply, InitializeReply.newBuilder().setAlreadyInitialized(true).setVersion(0).build());
      Calls.complete(reply);
      return false;
    }
    shard.requireMayInitialize(first.getWorkerId());
    // A live worker has joined, so the layout and its length are fixed.
    values = new ChunkTarget(new float[shard.sliceLength()]);
    return true;
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
    if (values == null) {
      Calls.fail(reply, new ShardException(Code.INVALID_ARGUMENT, "empty Initialize: no chunk of initial values"));
      return;
    }
    ChunkTarget complete = values;
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
