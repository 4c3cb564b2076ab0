package io.impetus.shard.transport;

import io.impetus.proto.AttachSegmentRequest;
import io.impetus.proto.FloatEncoding;
import io.impetus.proto.PushHeader;
import io.impetus.proto.SharedPushReply;
import io.impetus.proto.SliceHeader;
import io.impetus.shard.Shard;
import io.impetus.shard.ShardException;
import io.impetus.shard.ShardException.Code;
import io.impetus.shard.SliceReply;
import io.impetus.shard.UpdateLoop;
import io.impetus.shard.WorkerSlot;
import io.impetus.wire.SharedSegment;
import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.impetus.wire.Reason;

/**
 * The same-host data plane: pushes whose floats travel in the worker's shared-memory segment while
 * their headers and answers travel on a {@link SegmentCarrier} (a PushPullSharedStream or the
 * doorbell). It keeps the segments workers attached, checks each push as a streamed push is checked
 * (worker, length, one push in flight, finiteness) while it copies the gradient out of the segment
 * into the worker's buffer (so the worker may reuse the segment as soon as it has the answer, and a
 * bad push never touches the shard), and answers by writing the fresh slice into the segment and
 * the header to the carrier.
 *
 * <p>Every answer, refusals included, is sent from the update loop, so a carrier's answers leave in
 * push order from one thread at a time.
 */
public final class SegmentPushes {
  private static final Logger log = LoggerFactory.getLogger(SegmentPushes.class);
  /** Longest refusal message sent in band; a longer one is cut (they are a line or two). */
  static final int MAX_MESSAGE_CHARS = 2000;

  private final Shard shard;
  private final UpdateLoop loop;
  /** The folder segments must be in, or null: this shard accepts none (--no-shm). */
  private final Path folder;
  /** Attached segments by worker id; they outlive a worker's lease, as the mapping does. */
  private final ConcurrentMap<Integer, SharedSegment> segments = new ConcurrentHashMap<>();

  /**
   * Pushes to {@code shard} through segments in {@code folder} (null: attach nothing). A worker's
   * segment is let go when the worker departs (leaves or expires); it attaches again when it rejoins.
   */
  public SegmentPushes(Shard shard, UpdateLoop loop, Path folder) {
    this.shard = shard;
    this.loop = loop;
    this.folder = folder;
    shard.onDeparture(segments::remove);
  }

  /**
   * Attaches the segment a joined worker created for this shard, replacing any earlier one of that
   * worker. Does file I/O: runs on the update loop, never on a gRPC thread.
   */
  void attach(AttachSegmentRequest request) throws ShardException {
    int id = request.getWorkerId();
    // The caller's session first: an impostor learns nothing about the shard, not even whether it takes segments.
    shard.requireSession(id, request.getSessionKey(), "AttachSegment");
    if (folder == null) {
      throw new ShardException(Code.FAILED_PRECONDITION, Reason.SHARED_MEMORY_UNAVAILABLE,
          "shard " + shard.index() + " does not accept shared-memory segments (started with --no-shm)");
    }
    int length = shard.sliceLength();
    if (request.getLength() != length) {
      throw new ShardException(Code.INVALID_ARGUMENT, Reason.WRONG_LENGTH,
          "segment holds " + request.getLength() + " floats, shard " + shard.index() + " has " + length);
    }
    try {
      segments.put(id, SharedSegment.open(folder, Path.of(request.getPath()), request.getNonce(), length));
      log.info("shard {}: worker {} pushes through shared memory", shard.index(), id);
    } catch (IOException | InvalidPathException e) {
      throw new ShardException(Code.FAILED_PRECONDITION, Reason.SHARED_MEMORY_UNAVAILABLE,
          "shard " + shard.index() + " cannot attach worker " + id + "'s segment: " + e.getMessage());
    }
  }

  /** A push whose header came on {@code carrier}; the update loop's thread applies it. */
  public void push(PushHeader header, SegmentCarrier carrier) {
    push(header, carrier, false);
  }

  /**
   * As {@link #push}, but the calling thread runs the update itself when the loop is idle (see {@link
   * UpdateLoop#executeHere}): for a thread that may spend the time, such as a doorbell reader.
   */
  public void pushHere(PushHeader header, SegmentCarrier carrier) {
    push(header, carrier, true);
  }

  private void push(PushHeader header, SegmentCarrier carrier, boolean here) {
    WorkerSlot slot = null;
    try {
      if (header.getEncodingValue() != FloatEncoding.FP32_VALUE
          || header.getReplyEncodingValue() != FloatEncoding.FP32_VALUE) {
        throw shard.refuse("malformed", Code.INVALID_ARGUMENT, Reason.MALFORMED, "the shared-memory path carries float32 only, but the"
            + " push header declares encoding " + header.getEncodingValue() + ", reply_encoding "
            + header.getReplyEncodingValue());
      }
      slot = shard.claim(header);
      SharedSegment segment = segments.get(header.getWorkerId());
      if (segment == null || segment.length() != slot.gradient().length) {
        throw shard.refuse("no_segment", Code.NOT_FOUND, Reason.SEGMENT_NOT_ATTACHED, "worker " + header.getWorkerId()
            + " has no shared-memory segment attached to shard " + shard.index() + "; join and attach again");
      }
      int bad = segment.readGradientChecked(slot.gradient());
      if (bad >= 0) {
        throw shard.nonFinite(slot, header, bad);
      }
      WorkerSlot claimed = slot;
      SegmentReply reply = new SegmentReply(segment, carrier);
      Calls.submit(loop, () -> shard.push(claimed, header, reply), refusal -> {
        claimed.release();
        if (refusal.code() == Code.INTERNAL) {
          reply.fail(refusal); // on the loop already
        } else {
          // Refused on this thread (the loop's queue is full): the answer still goes out from the loop,
          // the carrier's only writer, as one small task (a carrier has at most one push unanswered).
          submit(() -> reply.fail(refusal), here);
        }
      }, here);
    } catch (ShardException e) {
      if (slot != null) {
        slot.release();
      }
      submit(() -> carrier.send(refusal(e)), here);
    }
  }

  private void submit(Runnable task, boolean here) {
    if (here) {
      loop.executeHere(task);
    } else {
      loop.execute(task);
    }
  }

  /** The in-band answer that refuses a push: its code's number, its reason and its message, cut at 2000 chars. */
  static SharedPushReply refusal(ShardException error) {
    String message = error.getMessage();
    if (message.length() > MAX_MESSAGE_CHARS) {
      message = message.substring(0, MAX_MESSAGE_CHARS) + "…";
    }
    return SharedPushReply.newBuilder()
        .setErrorCode(Calls.status(error).getCode().value())
        .setErrorMessage(message)
        .setErrorReason(error.reason() == Reason.UNSPECIFIED ? "" : error.reason().name())
        .build();
  }

  /** The answer to one push: the slice goes into the worker's segment, the header to its carrier. */
  private record SegmentReply(SharedSegment segment, SegmentCarrier carrier) implements SliceReply {
    @Override
    public boolean isCancelled() {
      return carrier.isClosed();
    }

    @Override
    public void slice(SliceHeader header, float[] params) {
      if (carrier.isClosed()) {
        return; // the worker went away: its update stands, and nobody reads the segment
      }
      segment.writeSlice(params);
      carrier.send(SharedPushReply.newBuilder().setHeader(header).build());
    }

    @Override
    public void fail(ShardException error) {
      carrier.send(refusal(error));
    }
  }
}
