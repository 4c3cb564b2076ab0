package io.impetus.shard.transport;

import io.grpc.stub.StreamObserver;
import io.impetus.proto.InitializeChunk;
import io.impetus.proto.InitializeReply;
import io.impetus.shard.Shard;
import io.impetus.shard.ShardException;
import io.impetus.shard.ShardException.Code;
import io.impetus.shard.UpdateLoop;
import io.impetus.shard.WorkerSlot;
import io.impetus.wire.FloatChunk;
import io.impetus.wire.Reason;

/**
 * One Initialize call: the first chunk names a worker and carries its session key, which must be a
 * live session's (so only a joined worker initializes, and a refused caller makes the shard allocate
 * nothing); the initial values arrive in chunks, decoded on the gRPC thread into an array of
 * the shard's slice length (fixed by that worker's join, so a caller cannot make the shard allocate more),
 * and are checked (count, finiteness) on the update loop, which then initializes the shard unless
 * another worker already did.
 *
 * <p>Nothing is buffered before the first chunk has shown that the call may initialize: a shard that
 * already has its values answers {@code already_initialized} at once and reads the rest of the call
 * without keeping it, and a worker that has not joined (or no longer is live), or that has another
 * Initialize call holding a buffer, is refused ({@link Shard#startInitializing}). The buffer is given
 * back when the call ends, however it ends.
 */
final class InitializeReceiver implements StreamObserver<FloatChunk<InitializeChunk>> {
  private final Shard shard;
  private final UpdateLoop loop;
  private final StreamObserver<InitializeReply> reply;
  /** The worker whose Initialize buffer this call holds, from the first chunk on; null before. */
  private WorkerSlot worker;
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
      fail(e);
    }
  }

  /**
   * At the first chunk: answers {@code already_initialized} when the shard has its values (false), or
   * allocates the slice's buffer for a worker that may initialize (true).
   */
  private boolean startOrAnswer(InitializeChunk first) throws ShardException {
    // Only a joined worker's own session may initialize, or even learn whether the shard is initialized.
    shard.requireSession(first.getWorkerId(), first.getSessionKey(), "Initialize");
    if (shard.initialized()) {
      failed = true;
      Calls.send(reply, InitializeReply.newBuilder().setAlreadyInitialized(true).setVersion(0).build());
      Calls.complete(reply);
      return false;
    }
    worker = shard.startInitializing(first.getWorkerId());
    // A live worker has joined, so the layout and its length are fixed.
    values = new ChunkTarget(new float[shard.sliceLength()]);
    return true;
  }

  private void fail(ShardException e) {
    failed = true;
    end();
    Calls.fail(reply, e);
  }

  /** Gives the worker's Initialize buffer back, if this call holds it. */
  private void end() {
    if (worker != null) {
      worker.endInitializing();
      worker = null;
    }
  }

  @Override
  public void onError(Throwable t) {
    failed = true;
    end();
  }

  @Override
  public void onCompleted() {
    if (failed) {
      return;
    }
    if (values == null) {
      fail(new ShardException(Code.INVALID_ARGUMENT, Reason.MALFORMED, "empty Initialize: no chunk of initial values"));
      return;
    }
    ChunkTarget complete = values;
    Calls.unary(loop, reply, () -> {
      try {
        float[] initial = complete.values;
        if (complete.received != initial.length) {
          throw new ShardException(Code.INVALID_ARGUMENT, Reason.WRONG_LENGTH, "initial values have " + complete.received
              + " floats, shard " + shard.index() + " expects " + initial.length);
        }
        int bad = complete.firstNonFinite;
        if (bad >= 0) {
          throw new ShardException(Code.INVALID_ARGUMENT, Reason.NON_FINITE, "initial value " + bad + " is " + initial[bad]);
        }
        boolean already = shard.initialize(initial);
        return InitializeReply.newBuilder().setAlreadyInitialized(already).setVersion(0).build();
      } finally {
        end();
      }
    });
  }
}
