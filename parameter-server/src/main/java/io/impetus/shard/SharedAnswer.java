package io.impetus.shard;

import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.impetus.proto.SharedPushReply;
import io.impetus.proto.SliceHeader;

/**
 * Where the answer to a shared-memory push goes: a PushPullShared call, or one message on a
 * PushPullSharedStream. Both methods run on the shard's update loop only, which is what keeps the
 * messages of one stream from being sent by two threads at once.
 */
interface SharedAnswer {
  /** Whether nobody is waiting for the answer any more. */
  boolean isCancelled();

  /** The push was processed: the slice is in the segment, {@code header} describes it. */
  void slice(SliceHeader header);

  /** The push was refused with {@code error}. */
  void fail(StatusException error);

  /** The answer to a unary PushPullShared call, which it completes. */
  static SharedAnswer unary(ServerCallStreamObserver<SliceHeader> call) {
    return new SharedAnswer() {
      @Override
      public boolean isCancelled() {
        return call.isCancelled();
      }

      @Override
      public void slice(SliceHeader header) {
        try {
          call.onNext(header);
          call.onCompleted();
        } catch (StatusRuntimeException | IllegalStateException ignored) {
          // cancelled meanwhile: the update stands, nobody is left to tell
        }
      }

      @Override
      public void fail(StatusException error) {
        Shard.fail(call, error);
      }
    };
  }

  /** An answer sent as the next message of {@code stream}, which stays open either way. */
  static SharedAnswer onStream(ServerCallStreamObserver<SharedPushReply> stream) {
    return new SharedAnswer() {
      @Override
      public boolean isCancelled() {
        return stream.isCancelled();
      }

      @Override
      public void slice(SliceHeader header) {
        send(SharedPushReply.newBuilder().setHeader(header).build());
      }

      @Override
      public void fail(StatusException error) {
        String message = error.getStatus().getDescription();
        send(SharedPushReply.newBuilder()
            .setErrorCode(error.getStatus().getCode().value())
            .setErrorMessage(message == null ? "" : message)
            .build());
      }

      private void send(SharedPushReply reply) {
        try {
          if (!stream.isCancelled()) {
            stream.onNext(reply);
          }
        } catch (StatusRuntimeException | IllegalStateException ignored) {
          // the stream closed meanwhile: as for a cancelled call
        }
      }
    };
  }
}
