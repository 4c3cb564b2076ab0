package io.impetus.shard.transport;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.impetus.shard.ShardException;
import io.impetus.shard.UpdateLoop;
import io.impetus.wire.Refusal;

/**
 * How the shard's gRPC calls are answered, in one place: a message or a completion is sent unless the
 * call was cancelled, and a call that closes meanwhile is let go quietly (the shard's work stands,
 * nobody is left to tell); a {@link ShardException} becomes the gRPC status of the same name, with
 * its reason as a {@code google.rpc.ErrorInfo} in the status details.
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
    loop.execute(() -> {
      T reply;
      try {
        reply = work.run();
      } catch (ShardException e) {
        fail(call, e);
        return;
      }
      send(call, reply);
      complete(call);
    });
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
