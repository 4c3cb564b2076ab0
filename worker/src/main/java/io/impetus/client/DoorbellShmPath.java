package io.impetus.client;

import io.grpc.Status;
import io.impetus.proto.PushHeader;
import io.impetus.proto.SharedPushReply;
import io.impetus.wire.DoorbellChannel;
import io.impetus.wire.SharedSegment;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The shm path with headers and answers on the shard's doorbell, a Unix-domain socket (framing in
 * impetus.proto, at AttachSegmentReply): the caller's thread writes each header, and a reader thread
 * of this connection blocks on the socket, copies the slice out of the segment and completes the
 * push. No HTTP/2 and no transport thread on the way.
 */
final class DoorbellShmPath extends ShmPath {
  private final DoorbellChannel channel;

  private DoorbellShmPath(int shard, SharedSegment segment, int start, DoorbellChannel channel) {
    super(shard, segment, start);
    this.channel = channel;
  }

  /**
   * Connects to the doorbell at {@code path} and starts reading answers on a thread named after the
   * worker. Socket I/O: not on a transport thread.
   */
  static DoorbellShmPath connect(int workerId, int shard, SharedSegment segment, int start, Path path)
      throws IOException {
    DoorbellShmPath pushes = new DoorbellShmPath(shard, segment, start, DoorbellChannel.connect(path));
    Thread reader = new Thread(pushes::readAnswers, "worker-" + workerId + "-doorbell-" + shard);
    reader.setDaemon(true);
    reader.start();
    return pushes;
  }

  @Override
  void send(PushHeader header) throws IOException {
    channel.write(header);
  }

  @Override
  String carrier() {
    return "doorbell";
  }

  @Override
  public String dataPlane() {
    return "shm-doorbell";
  }

  private void readAnswers() {
    try {
      SharedPushReply reply;
      while ((reply = channel.read(SharedPushReply.parser())) != null) {
        answer(reply);
      }
      end(Status.UNAVAILABLE.withDescription("shard " + shard + " closed the doorbell").asRuntimeException());
    } catch (IOException e) {
      end(Status.UNAVAILABLE.withDescription(isClosed() ? "closed" : e.getMessage()).withCause(e).asRuntimeException());
    } finally {
      channel.close();
    }
  }

  @Override
  public void close() {
    end(Status.CANCELLED.withDescription("closed by the worker").asRuntimeException());
    channel.close();
  }
}
