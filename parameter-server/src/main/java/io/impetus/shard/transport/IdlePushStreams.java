package io.impetus.shard.transport;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The push streams a shard is waiting on for chunks, and the cancellation of those whose client has
 * sent nothing for {@code --stream-idle-timeout}: such a stream would otherwise hold its worker's push
 * slot (refusing the worker's real pushes) and stall a sync round. A stream counts from its start until
 * its last chunk arrives; once its push is handed to the update loop (applied, or parked by a sync
 * round or an ssp bound) it is the shard that makes it wait, not the client, and it is no longer
 * watched. {@link #expire} runs periodically on a timer thread, never on the update loop. Thread-safe.
 */
public final class IdlePushStreams {
  private final Set<StreamedPush> waiting = ConcurrentHashMap.newKeySet();
  private final LongSupplier clock;
  private final long timeoutNanos;
  private final LongAdder cancelled = new LongAdder();

  /** Cancels streams silent for {@code timeoutMillis}, measured on {@code clock} (nanoseconds). */
  public IdlePushStreams(long timeoutMillis, LongSupplier clock) {
    this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    this.clock = clock;
  }

  /** The current time on this watch's clock, in nanoseconds. */
  long now() {
    return clock.getAsLong();
  }

  /** The timeout, in milliseconds (for messages). */
  long timeoutMillis() {
    return TimeUnit.NANOSECONDS.toMillis(timeoutNanos);
  }

  void watch(StreamedPush stream) {
    waiting.add(stream);
  }

  void unwatch(StreamedPush stream) {
    waiting.remove(stream);
  }

  /** Cancels every watched stream whose client has been silent for the timeout; returns how many. */
  public int expire() {
    long cutoff = now() - timeoutNanos;
    int n = 0;
    for (StreamedPush stream : waiting) {
      if (stream.cancelIfSilentSince(cutoff)) {
        waiting.remove(stream);
        cancelled.increment();
        n++;
      }
    }
    return n;
  }

  /** Streams watched now. */
  public int watched() {
    return waiting.size();
  }

  /** Streams cancelled for silence so far. */
  public long cancelled() {
    return cancelled.sum();
  }
}
