package io.impetus.shard.transport;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.impetus.proto.PushHeader;
import io.impetus.proto.SharedPushReply;
import io.impetus.shard.UpdateLoop;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;

/**
 * The PushPullSharedStream calls: floats in shared memory, headers and answers as messages of one
 * long-lived gRPC stream per worker. Each header on a stream is a push through {@link SegmentPushes};
 * each answer is the next message of the stream, which stays open after a refusal. A stream ends when
 * its worker closes it or when {@link #closeAll} ends it for a stopping shard.
 */
final class SharedPushStreams {
  private final SegmentPushes pushes;
  private final UpdateLoop loop;
  /** The open streams, ended by {@link #closeAll}. */
  private final Set<Stream> open = ConcurrentHashMap.newKeySet();

  SharedPushStreams(SegmentPushes pushes, UpdateLoop loop) {
    this.pushes = pushes;
    this.loop = loop;
  }

  /** A new stream answering on {@code call}; returns what receives its headers. */
  StreamObserver<PushHeader> open(ServerCallStreamObserver<SharedPushReply> call) {
    Stream stream = new Stream(call);
    open.add(stream);
    // A stream can end without its observer hearing of it (a header that does not parse makes gRPC
    // close the call itself, reported as completed): it must not stay in the set of open streams.
    call.setOnCloseHandler(() -> open.remove(stream));
    return stream;
  }

  /**
   * Ends every open stream on the update loop, after the answers queued before, so that a stopping
   * server does not wait for workers to close streams they would keep open for as long as they train.
   */
  void closeAll() {
    try {
      loop.execute(() -> {
        for (Stream stream : open) {
          Calls.complete(stream.call);
        }
        open.clear();
      });
    } catch (RejectedExecutionException stopped) {
      // the update loop is gone already, and gRPC cancels what is left
    }
  }

  /** One stream: it receives headers and is the carrier of their answers. */
  private final class Stream implements StreamObserver<PushHeader>, SegmentCarrier {
    final ServerCallStreamObserver<SharedPushReply> call;

    Stream(ServerCallStreamObserver<SharedPushReply> call) {
      this.call = call;
    }

    @Override
    public void onNext(PushHeader header) {
      pushes.push(header, this);
    }

    @Override
    public void onError(Throwable t) {
      open.remove(this);
    }

    @Override
    public void onCompleted() {
      open.remove(this);
      loop.execute(() -> Calls.complete(call));
    }

    @Override
    public boolean isClosed() {
      return call.isCancelled();
    }

    @Override
    public void send(SharedPushReply reply) {
      Calls.send(call, reply);
    }
  }
}
