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
  /** Longest refusal message sent in band; a longer one is cut (they are a line or two). */
  int MAX_MESSAGE_CHARS = 2000;

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
        send(refusal(error));
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

  /** The in-band answer that refuses a push with {@code error}: its code, and its message cut at 2000 chars. */
  static SharedPushReply refusal(StatusException error) {
    String message = error.getStatus().getDescription();
    if (message == null) {
      message = "";
    } else if (message.length() > MAX_MESSAGE_CHARS) {
      message = message.substring(0, MAX_MESSAGE_CHARS) + "…";
    }
    return SharedPushReply.newBuilder()
        .setErrorCode(error.getStatus().getCode().value())
        .setErrorMessage(message)
        .build();
  }
}
