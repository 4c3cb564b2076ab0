package io.impetus.shard.transport;

import io.impetus.proto.FloatEncoding;
import io.impetus.shard.ShardException;
import io.impetus.shard.ShardException.Code;
import io.impetus.wire.FloatChunk;
import io.impetus.wire.Reason;

/**
 * One float array received as in-order chunks: each chunk is decoded straight from the transport's
 * buffers into it (from float32 or bfloat16, as the stream's header declares) and checked for NaN and
 * infinity in the same pass, while its values are still in cache. Its length is fixed before the
 * first chunk, so a sender cannot make it allocate.
 */
final class ChunkTarget {
  final float[] values;
  long received;
  /** Index of the first non-finite value received, or -1. */
  int firstNonFinite = -1;

  ChunkTarget(float[] values) {
    this.values = values;
  }

  /** Decodes the float32 chunk at {@code offset} of {@code what}, which must follow the chunks received so far. */
  void decode(long offset, FloatChunk<?> data, String what) throws ShardException {
    decode(offset, data, what, FloatEncoding.FP32);
  }

  /** What is wrong with a chunk at {@code offset}, which is not where the next one starts. */
  private String misplaced(long offset) {
    if (offset < 0) {
      return "is negative";
    }
    return offset < received ? "overlaps the values received before it" : "leaves a gap after the values received";
  }

  /**
   * Decodes the chunk at {@code offset} of {@code what}, its values in {@code encoding}.
   *
   * @throws ShardException INVALID_ARGUMENT naming the problem: a negative offset, one that overlaps the
   *     chunks before or leaves a gap after them, values past the end of the array, a partial value
   */
  void decode(long offset, FloatChunk<?> data, String what, FloatEncoding encoding) throws ShardException {
    if (offset != received) {
      throw new ShardException(Code.INVALID_ARGUMENT, Reason.MALFORMED, what + " chunk at offset " + offset + " " + misplaced(offset)
          + " (chunks must follow each other: expected offset " + received + ")");
    }
    try {
      int count = data.floatCount(encoding);
      if (offset + count > values.length) {
        throw new ShardException(Code.INVALID_ARGUMENT, Reason.WRONG_LENGTH,
            what + " has more than the " + values.length + " values this shard holds");
      }
      int bad = data.decodeChecked(values, (int) offset, encoding);
      if (firstNonFinite < 0) {
        firstNonFinite = bad;
      }
      received += count;
    } catch (IllegalArgumentException e) {
      throw new ShardException(Code.INVALID_ARGUMENT, Reason.MALFORMED, what + ": " + e.getMessage());
    }
  }
}
