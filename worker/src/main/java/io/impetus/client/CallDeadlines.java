package io.impetus.client;

import java.time.Duration;

/**
 * How long a worker waits for each call to a shard before it gives the call up (DEADLINE_EXCEEDED,
 * which it mends by joining again, see {@link Recovery}): no call waits forever for a shard that
 * stopped answering.
 *
 * <ul>
 *   <li>Unary calls and short streams (Initialize, Pull, AttachSegment, Leave, Status): {@code call}
 *       ({@code --call-timeout}, default {@link #DEFAULT_CALL}); a Join waits as long as the worker
 *       waits for its shards ({@code --connect-timeout}), and a heartbeat one heartbeat period.
 *   <li>A push-pull: {@code call} plus two leases of the shard. A push may wait for a whole sync
 *       round (or an ssp bound): for the slowest live worker's step, and for a dead worker's lease to
 *       run out (the shard notices within 1.25 leases); {@code call} covers the slowest step.
 * </ul>
 *
 * @param call the deadline of a unary call, and the allowance for one step in a push's deadline
 */
public record CallDeadlines(Duration call) {
  /** The unary deadline when none is given: longer than any healthy shard takes, short enough to notice a hung one. */
  public static final Duration DEFAULT_CALL = Duration.ofSeconds(30);

  /** The defaults. */
  public static CallDeadlines defaults() {
    return new CallDeadlines(DEFAULT_CALL);
  }

  public CallDeadlines {
    if (call.isNegative() || call.isZero()) {
      throw new IllegalArgumentException("--call-timeout must be positive, got " + call.toSeconds() + " s");
    }
  }

  /** The deadline of a unary call, in milliseconds. */
  public long callMillis() {
    return call.toMillis();
  }

  /** The deadline of a push-pull to a shard whose lease is {@code leaseMillis} (0: unknown yet). */
  public long pushMillis(long leaseMillis) {
    return call.toMillis() + 2 * Math.max(0, leaseMillis);
  }
}
