package io.impetus.client;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.impetus.proto.AttachSegmentReply;
import io.impetus.proto.AttachSegmentRequest;
import io.impetus.proto.ShardGrpc;
import io.impetus.wire.Reason;
import io.impetus.wire.Refusal;
import io.impetus.wire.SharedSegment;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sets up the shm path with one shard: creates a segment for the shard's range, asks the shard to
 * attach it, unlinks it once the shard answered, and carries the headers on the doorbell the shard
 * offers if this worker can connect to it, else on a header stream.
 *
 * <p>The future fails with {@link NoSharedMemory} when shared memory is not possible with this
 * shard (the segment cannot be created, or the shard refuses it with FAILED_PRECONDITION for that
 * reason or does not know the call), and with the call's error otherwise. The file and socket work runs on {@code
 * background}, never on a transport thread.
 */
final class ShmPathSetup {
  private static final Logger log = LoggerFactory.getLogger(ShmPathSetup.class);

  /** Why shared memory is not possible with a shard; the message is the reason. */
  static final class NoSharedMemory extends RuntimeException {
    NoSharedMemory(String reason) {
      super(reason, null, false, false);
    }
  }

  private final int workerId;
  private final Path shmDir;
  private final Executor background;

  ShmPathSetup(int workerId, Path shmDir, Executor background) {
    this.workerId = workerId;
    this.shmDir = shmDir;
    this.background = background;
  }

  /**
   * The shm path to {@code shard}, whose range of the flat vector is [start, start + length): the
   * attach goes on {@code unary} (a stub with the unary deadline) carrying the worker's session
   * {@code key}, a header stream on {@code stub} (a long-lived call, without a deadline).
   */
  CompletableFuture<ShmPath> attach(int shard, ShardGrpc.ShardStub unary, ShardGrpc.ShardStub stub, int start,
      int length, ByteString key) {
    SharedSegment segment;
    try {
      segment = SharedSegment.create(shmDir, "w" + workerId + "-s" + shard, length);
    } catch (IOException | RuntimeException e) {
      return CompletableFuture.failedFuture(
          new NoSharedMemory("cannot create a segment in " + shmDir + ": " + e.getMessage()));
    }
    AttachSegmentRequest request = AttachSegmentRequest.newBuilder()
        .setWorkerId(workerId)
        .setPath(segment.path().toString())
        .setNonce(segment.nonce())
        .setLength(segment.length())
        .setSessionKey(key)
        .build();
    UnaryCall<AttachSegmentReply> call = new UnaryCall<>();
    unary.attachSegment(request, call);
    AtomicReference<AttachSegmentReply> reply = new AtomicReference<>();
    return call.result().handleAsync((attached, error) -> {
      // Mapped by both processes now (or refused): the name is no longer needed, and unlinking it
      // now leaves nothing behind in the folder whatever happens to either process later.
      segment.unlink();
      reply.set(attached);
      return error;
    }, background).thenCompose(error -> {
      if (error == null) {
        return CompletableFuture.completedFuture(carried(shard, segment, start, stub, reply.get()));
      }
      Refusal refusal = Refusal.of(error);
      if (!meansNoSharedMemory(refusal)) {
        return CompletableFuture.failedFuture(error);
      }
      return CompletableFuture.failedFuture(new NoSharedMemory(
          refusal.message().isEmpty() ? refusal.code().name() : refusal.message()));
    });
  }

  /**
   * Whether a refused attach says that shared memory is not possible with the shard (rather than
   * that the worker must join again): a shard that does not know the call, or FAILED_PRECONDITION
   * for that reason (or for none, from a shard that gives no reasons).
   */
  private static boolean meansNoSharedMemory(Refusal refusal) {
    return refusal.code() == Status.Code.UNIMPLEMENTED || (refusal.code() == Status.Code.FAILED_PRECONDITION
        && (refusal.reason() == Reason.SHARED_MEMORY_UNAVAILABLE || refusal.reason() == Reason.UNSPECIFIED));
  }

  /**
   * The shm path with the doorbell the shard offers, if this worker can connect to it (on the
   * background thread: connecting is socket I/O), else with a header stream.
   */
  private ShmPath carried(int shard, SharedSegment segment, int start, ShardGrpc.ShardStub stub,
      AttachSegmentReply reply) {
    if (!reply.getDoorbell().isEmpty()) {
      try {
        return DoorbellShmPath.connect(workerId, shard, segment, start, Path.of(reply.getDoorbell()));
      } catch (IOException | RuntimeException e) {
        log.info("worker {}: push headers to shard {} travel on a header stream (cannot reach its doorbell {}: {})",
            workerId, shard, reply.getDoorbell(), e.toString());
      }
    }
    return new HeaderStreamShmPath(shard, segment, start, stub);
  }
}
