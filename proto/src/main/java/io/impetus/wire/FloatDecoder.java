package io.impetus.wire;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * Decodes float32 little-endian bytes that arrive as a sequence of buffers (a float may straddle two
 * of them) into a float array, optionally finding the first non-finite value on the way.
 *
 * <p>The finiteness scan runs block by block right after each block is copied, while the values are
 * still in L1/L2: a separate pass over the whole array afterwards costs as much as the decode itself,
 * because it reads everything back from memory. One instance decodes one payload at a time; it is
 * reusable ({@link #start}) and keeps no reference to the buffers it was given.
 */
final class FloatDecoder {
  /** Floats copied and scanned at a time: 16 KiB, well inside L1/L2. */
  static final int BLOCK_FLOATS = 4096;

  private float[] dst;
  private int pos;
  private boolean check;
  private int firstNonFinite;
  private int carry;
  private int carried;

  /** Prepares to decode into {@code dst} from index {@code from}; {@code check}: look for non-finite values. */
  FloatDecoder start(float[] dst, int from, boolean check) {
    this.dst = dst;
    this.pos = from;
    this.check = check;
    this.firstNonFinite = -1;
    this.carry = 0;
    this.carried = 0;
    return this;
  }

  /**
   * Decodes the remaining bytes of {@code piece} (consuming them: its position moves to its limit and
   * its byte order becomes little-endian, so pass a buffer of your own, such as a fresh view). The
   * caller has checked that the whole payload fits in the destination.
   */
  void accept(ByteBuffer piece) {
    ByteBuffer b = piece.order(ByteOrder.LITTLE_ENDIAN);
    while (carried > 0 && b.hasRemaining()) {
      carry |= (b.get() & 0xff) << (8 * carried++);
      if (carried == FloatCodec.BYTES) {
        float v = Float.intBitsToFloat(carry);
        if (check && firstNonFinite < 0 && !Float.isFinite(v)) {
          firstNonFinite = pos;
        }
        dst[pos++] = v;
        carry = 0;
        carried = 0;
      }
    }
    int n = b.remaining() / FloatCodec.BYTES;
    if (n > 0) {
      FloatBuffer floats = b.asFloatBuffer();
      for (int done = 0; done < n; ) {
        int k = Math.min(BLOCK_FLOATS, n - done);
        floats.get(dst, pos, k);
        if (check && firstNonFinite < 0) {
          firstNonFinite = firstNonFinite(dst, pos, pos + k);
        }
        pos += k;
        done += k;
      }
      b.position(b.position() + n * FloatCodec.BYTES);
    }
    while (b.hasRemaining()) {
      carry |= (b.get() & 0xff) << (8 * carried++);
    }
  }

  /** Index in the destination one past the last float decoded. */
  int position() {
    return pos;
  }

  /** Index in the destination of the first non-finite value decoded since {@link #start}, or -1 (always -1 when not checking). */
  int firstNonFinite() {
    return firstNonFinite;
  }

  /** Whether a float is still incomplete (the payload was not whole floats). */
  boolean partial() {
    return carried != 0;
  }

  /**
   * Index of the first NaN or infinity in {@code values[from, to)}, or -1. The common all-finite case
   * is one max-reduction (which the JIT vectorizes; an early-exit loop it does not): NaN propagates
   * through {@link Math#max} and infinities exceed {@link Float#MAX_VALUE}.
   */
  static int firstNonFinite(float[] values, int from, int to) {
    float max = 0f;
    for (int i = from; i < to; i++) {
      max = Math.max(max, Math.abs(values[i]));
    }
    if (max <= Float.MAX_VALUE) {
      return -1;
    }
    for (int i = from; i < to; i++) {
      if (!Float.isFinite(values[i])) {
        return i;
      }
    }
    return -1;
  }
}
