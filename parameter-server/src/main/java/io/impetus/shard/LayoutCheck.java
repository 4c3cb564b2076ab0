package io.impetus.shard;

import io.impetus.proto.Layout;
import io.impetus.shard.ShardException.Code;
import io.impetus.wire.Reason;
import java.util.HashSet;
import java.util.OptionalLong;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks the layout a Join describes before the shard allocates anything for it: that it asks for this
 * shard of this plan, for a positive number of parameters within the shard's bound ({@code
 * --max-params}), and for the layout the shard serves (the one it was told to expect, or the one the
 * first Join fixed).
 *
 * <p>A refusal names the field and the caller's value, never the shard's: a caller that could read the
 * shard's fingerprint from a refusal could then describe the right layout. The full comparison goes to
 * the shard's log, once per worker id, so that a worker retrying its join cannot flood it.
 *
 * <p>Not thread-safe: it runs on the shard's update loop.
 */
final class LayoutCheck {
  private static final Logger log = LoggerFactory.getLogger(LayoutCheck.class);
  /** The most characters of a caller's model name a refusal repeats. */
  private static final int MODEL_NAME_CHARS = 64;
  /** The longest model name a Join may carry (the shard keeps the first one, and checkpoints it). */
  static final int MAX_MODEL_NAME_CHARS = 256;

  private final int shardIndex;
  private final int numShards;
  private final ExpectedLayout expected;
  private final long maxParams;
  /** Worker ids whose refused layout the log already shows (at most N: ids are checked first). */
  private final Set<Integer> logged = new HashSet<>();

  /** The check of shard {@code shardIndex} of {@code numShards} under {@code expected} and {@code maxParams}. */
  LayoutCheck(int shardIndex, int numShards, ExpectedLayout expected, long maxParams) {
    this.shardIndex = shardIndex;
    this.numShards = numShards;
    this.expected = expected;
    this.maxParams = maxParams;
  }

  /** The most parameters a Join may describe. */
  long maxParams() {
    return maxParams;
  }

  /**
   * Refuses {@code asked}, the layout of worker {@code workerId}'s Join, unless it fits: INVALID_ARGUMENT
   * for another shard or plan, a number of parameters that is not positive or (before a layout is
   * fixed) above the bound, a model name longer than {@value #MAX_MODEL_NAME_CHARS} characters;
   * FAILED_PRECONDITION for another layout than {@code fixed} (the shard's, or null before the first
   * Join) or, before the first Join, than the expected one.
   */
  void check(int workerId, Layout asked, SliceLayout fixed) throws ShardException {
    if (asked.getNumShards() != numShards) {
      throw invalid("num_shards " + asked.getNumShards() + " is not the number of shards of this shard's plan");
    }
    if (asked.getShardIndex() != shardIndex) {
      throw invalid("shard_index " + asked.getShardIndex() + " is not this shard's index");
    }
    long p = asked.getNumParams();
    if (p < 1) {
      throw invalid("num_params must be at least 1, got " + p);
    }
    if (fixed == null && p > maxParams) {
      // Once a layout is fixed (by a Join, or a checkpoint a smaller heap still loaded), the comparison
      // below decides: a Join then allocates no more than a gradient buffer.
      throw invalid("num_params " + p + " exceeds the " + maxParams + " parameters this shard accepts (--max-params)");
    }
    if (asked.getModel().length() > MAX_MODEL_NAME_CHARS) {
      throw invalid("the model name has " + asked.getModel().length() + " characters, more than "
          + MAX_MODEL_NAME_CHARS);
    }
    if (fixed != null) {
      compare(workerId, asked, fixed.numParams(), OptionalLong.of(fixed.fingerprint()), String.format(
          "model '%s' (%d parameters, fingerprint %016x)", fixed.model(), fixed.numParams(), fixed.fingerprint()));
    } else if (!expected.isAny()) {
      compare(workerId, asked, expected.numParams(), expected.fingerprint(), "the expected " + expected.describe());
    }
  }

  private void compare(int workerId, Layout asked, long numParams, OptionalLong fingerprint, String served)
      throws ShardException {
    String field;
    if (asked.getNumParams() != numParams) {
      field = "num_params " + asked.getNumParams();
    } else if (fingerprint.isPresent() && asked.getFingerprint() != fingerprint.getAsLong()) {
      field = String.format("fingerprint %016x", asked.getFingerprint());
    } else {
      return;
    }
    if (logged.add(workerId)) {
      log.warn("shard {}: refused the join of worker {}: it has model '{}' ({} parameters, fingerprint {}), this "
              + "shard serves {} (later refusals of this worker are not logged)", shardIndex, workerId,
          asked.getModel(), asked.getNumParams(), String.format("%016x", asked.getFingerprint()), served);
    }
    throw new ShardException(Code.FAILED_PRECONDITION, Reason.LAYOUT_MISMATCH, "layout mismatch: " + field + " of the worker's model '"
        + shortened(asked.getModel()) + "' is not the layout this shard serves");
  }

  private static ShardException invalid(String message) {
    return new ShardException(Code.INVALID_ARGUMENT, Reason.LAYOUT_MISMATCH, message);
  }

  /** A caller's text as a refusal repeats it: at most {@value #MODEL_NAME_CHARS} characters. */
  private static String shortened(String text) {
    return text.length() <= MODEL_NAME_CHARS ? text : text.substring(0, MODEL_NAME_CHARS) + "...";
  }
}
