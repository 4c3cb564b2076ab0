package io.impetus.shard.transport;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The bytes of slice replies a shard holds for callers that have not read them yet, across all calls,
 * and their bound. A reply reserves its bytes before its first chunk is written and gives them back
 * when its call is over (sent and closed, or cancelled), so a client that opens calls and never reads
 * their replies makes the shard hold at most the bound; past it, replies are refused ({@link
 * StreamedReply}). Thread-safe.
 */
public final class ReplyBuffer {
  private final AtomicLong held = new AtomicLong();
  private final LongAdder refused = new LongAdder();
  private final LongSupplier limit;

  /** A buffer of at most {@code limit} bytes (read at each reservation: it may depend on the slice). */
  public ReplyBuffer(LongSupplier limit) {
    this.limit = limit;
  }

  /** Reserves {@code bytes}; false (and counted) if that would exceed the bound. */
  boolean tryReserve(long bytes) {
    long max = limit.getAsLong();
    while (true) {
      long now = held.get();
      if (now + bytes > max) {
        refused.increment();
        return false;
      }
      if (held.compareAndSet(now, now + bytes)) {
        return true;
      }
    }
  }

  /** Gives back {@code bytes} reserved before. */
  void release(long bytes) {
    held.addAndGet(-bytes);
  }

  /** Bytes held now. */
  public long heldBytes() {
    return held.get();
  }

  /** The bound now. */
  public long limitBytes() {
    return limit.getAsLong();
  }

  /** Replies refused so far because the bound was reached. */
  public long refused() {
    return refused.sum();
  }
}
