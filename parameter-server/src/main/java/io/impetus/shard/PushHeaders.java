package io.impetus.shard;

import io.impetus.proto.FloatEncoding;
import io.impetus.proto.PushHeader;

/**
 * What makes a push header wrong whatever the shard's state: a negative or absurd worker step, a
 * negative read version, a batch of no examples, an encoding this shard does not know. Checked on the
 * transport thread, before the push claims its worker's buffer, on every path a push takes; the read
 * version's upper end (the shard's current version) is checked on the update loop.
 *
 * <p>The loss a header carries is not checked: the shard neither stores nor uses it.
 */
final class PushHeaders {
  /**
   * The largest worker step a push may carry, 2^48 (about 2.8e14: a million steps a second for nine
   * years), so that a worker's clock (its step + 1) and the step lags computed from it never overflow.
   */
  static final long MAX_WORKER_STEP = 1L << 48;

  private PushHeaders() {}

  /** What is wrong with {@code header}, naming the field and its value, or null if nothing is. */
  static String problem(PushHeader header) {
    long step = header.getWorkerStep();
    if (step < 0) {
      return "worker_step " + step + " is negative";
    }
    if (step > MAX_WORKER_STEP) {
      return "worker_step " + step + " is beyond " + MAX_WORKER_STEP + ", the largest a push may carry";
    }
    if (header.getReadVersion() < 0) {
      return "read_version " + header.getReadVersion() + " is negative";
    }
    if (header.getBatchSize() < 1) {
      return "batch_size must be at least 1, got " + header.getBatchSize();
    }
    if (header.getEncoding() == FloatEncoding.UNRECOGNIZED || header.getReplyEncoding() == FloatEncoding.UNRECOGNIZED) {
      return "unknown float encoding in the push header: encoding " + header.getEncodingValue() + ", reply_encoding "
          + header.getReplyEncodingValue() + " (known: " + FloatEncoding.FP32.getNumber() + " FP32, "
          + FloatEncoding.BF16.getNumber() + " BF16)";
    }
    return null;
  }
}
