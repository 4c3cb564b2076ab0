package io.impetus.shard.transport;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.impetus.proto.PushHeader;
import io.impetus.proto.SharedPushReply;
import io.impetus.shard.ShardException;
import io.impetus.shard.ShardException.Code;
import io.impetus.shard.UpdateLoop;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The PushPullSharedStream calls: floats in shared memory, headers and answers as messages of one
 * long-lived gRPC stream per worker. Each header on a stream is a push through {@link SegmentPushes};
 * each answer is the next message of the stream, which stays open after a refusal. A stream ends when
 * its worker closes it or when {@link #closeAll} ends it for a stopping shard.
 *
 * <p>A worker has one push in flight per shard, so a header that arrives before the previous push on
 * its stream was answered breaks the protocol: the stream is ended with FAILED_PRECONDITION and its
 * later headers are ignored. That keeps what one stream can queue on the update loop to one push and
 * one answer, whatever its client sends.
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
    /** Whether a push of this stream waits for its answer. */
    private final AtomicBoolean unanswered = new AtomicBoolean();
    /** Set by the transport thread once the stream broke the protocol; it then ignores the stream. */
    private boolean broken;

    Stream(ServerCallStreamObserver<SharedPushReply> call) {
      this.call = call;
    }

    @Override
    public void onNext(PushHeader header) {
      if (broken) {
        return;
      }
      if (!unanswered.compareAndSet(false, true)) {
        broken = true;
        ShardException error = new ShardException(Code.FAILED_PRECONDITION, "a push header of worker "
            + header.getWorkerId() + " arrived before its previous push was answered; one push at a time per stream");
        loop.execute(() -> Calls.fail(call, error)); // from the loop, the stream's only writer
        return;
      }
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

    /** Sends the answer; the gate opens first, so the header that follows it is never taken for a second push. */
    @Override
    public void send(SharedPushReply reply) {
      unanswered.set(false);
      Calls.send(call, reply);
    }
  }
}
