package io.impetus.shard.transport;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.impetus.shard.ShardException;
import io.impetus.shard.UpdateLoop;
import java.util.function.Consumer;
import io.impetus.wire.Refusal;

/**
 * How the shard's gRPC calls are answered, in one place: a message or a completion is sent unless the
 * call was cancelled, and a call that closes meanwhile is let go quietly (the shard's work stands,
 * nobody is left to tell); a {@link ShardException} becomes the gRPC status of the same name, with
 * its reason as a {@code google.rpc.ErrorInfo} in the status details.
 *
 * <p>Work a call hands to the update loop goes through {@link #submit}: a full queue refuses it at once
 * (RESOURCE_EXHAUSTED, on the transport thread, which never waits), and a task that fails on the loop
 * (any RuntimeException or Error) answers its caller with INTERNAL instead of leaving it waiting.
 */
final class Calls {
  private Calls() {}

  /** The work of a unary call, run on the update loop: its reply, or a refusal. */
  @FunctionalInterface
  interface Work<T> {
    T run() throws ShardException;
  }

  /** Runs {@code work} on {@code loop} and answers {@code call} with its reply or its refusal. */
  static <T> void unary(UpdateLoop loop, StreamObserver<T> call, Work<T> work) {
    submit(loop, () -> {
      T reply;
      try {
        reply = work.run();
      } catch (ShardException e) {
        fail(call, e);
        return;
      }
      send(call, reply);
      complete(call);
    }, e -> fail(call, e), false);
  }

  /**
   * Queues {@code task}, which a caller's request caused, on {@code loop} ({@code here}: as {@link
   * UpdateLoop#executeHere}). When the loop's queue is full, {@code refuse} gets a RESOURCE_EXHAUSTED
   * refusal at once, on this thread, and the result is false. When the task throws on the loop,
   * {@code refuse} gets an INTERNAL refusal that says only that the shard failed, and the throwable
   * goes on to the loop, which logs and counts it.
   */
  static boolean submit(UpdateLoop loop, Runnable task, Consumer<ShardException> refuse, boolean here) {
    Runnable guarded = () -> {
      try {
        task.run();
      } catch (RuntimeException | Error e) {
        try {
          refuse.accept(internal(loop.shardIndex()));
        } catch (RuntimeException | Error ignored) {
          // answering failed too: the loop still logs and counts the first failure
        }
        throw e;
      }
    };
    if (here ? loop.tryExecuteHere(guarded) : loop.tryExecute(guarded)) {
      return true;
    }
    refuse.accept(busy(loop));
    return false;
  }

  /** The refusal of a call whose work failed on the update loop: it names no internals. */
  static ShardException internal(int shardIndex) {
    return new ShardException(ShardException.Code.INTERNAL,
        "shard " + shardIndex + " failed while handling this call (a shard-side failure; the shard's log has the details)");
  }

  /** The refusal of a call that finds the update loop's queue full. */
  static ShardException busy(UpdateLoop loop) {
    return new ShardException(ShardException.Code.RESOURCE_EXHAUSTED, "shard " + loop.shardIndex() + " is busy: "
        + loop.capacity() + " calls are waiting for its update loop already (--max-queued-calls); try again later");
  }

  /** Sends {@code message} on {@code call} unless the call is over. */
  static <T> void send(StreamObserver<T> call, T message) {
    try {
      if (!isCancelled(call)) {
        call.onNext(message);
      }
    } catch (StatusRuntimeException | IllegalStateException gone) {
      // cancelled or closed meanwhile: nobody is left to tell
    }
  }

  /** Completes {@code call} unless it is over. */
  static void complete(StreamObserver<?> call) {
    try {
      if (!isCancelled(call)) {
        call.onCompleted();
      }
    } catch (StatusRuntimeException | IllegalStateException gone) {
      // as in send
    }
  }

  /** Ends {@code call} with {@code error}'s status unless it is over. */
  static void fail(StreamObserver<?> call, ShardException error) {
    try {
      if (!isCancelled(call)) {
        call.onError(refusal(error).toException());
      }
    } catch (StatusRuntimeException | IllegalStateException gone) {
      // as in send
    }
  }

  /** Whether the worker has gone away from {@code call}. */
  static boolean isCancelled(StreamObserver<?> call) {
    return call instanceof ServerCallStreamObserver<?> server && server.isCancelled();
  }

  /** The gRPC status that tells a worker about {@code error}. */
  static Status status(ShardException error) {
    return Status.fromCode(Status.Code.valueOf(error.code().name())).withDescription(error.getMessage());
  }

  /**
   * How {@code error} reaches a worker: its status code and message, with its reason and metadata as a
   * {@code google.rpc.ErrorInfo} in the status details.
   */
  static Refusal refusal(ShardException error) {
    return new Refusal(status(error).getCode(), error.reason(), error.getMessage(), error.metadata());
  }
}
