package io.impetus.wire;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * bfloat16, the wire's half-size float encoding ({@code FloatEncoding.BF16}): the high 16 bits of a
 * float32 (sign, the same 8-bit exponent, 7 mantissa bits), little-endian on the wire.
 *
 * <p>Encoding rounds to nearest, ties to even, like PyTorch's {@code tensor.to(torch.bfloat16)}
 * and the hardware conversions: the exponent range is float32's, so only precision is lost (about
 * 3 significant digits), subnormals round like any other value, and a finite value at or beyond the
 * midpoint between bfloat16's largest finite value (0x7F7F, about 3.3895e38) and the next power of
 * two becomes infinite. NaN stays NaN (made quiet, sign kept: truncating a NaN whose payload is all
 * in the low half would turn it into infinity); infinities stay infinite. Decoding is exact: every
 * bfloat16 is a float32.
 */
public final class Bf16 {
  /** Bytes per bfloat16 value. */
  public static final int BYTES = 2;

  private static final VarHandle SHORTS =
      MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);

  private Bf16() {}

  /** The bfloat16 nearest to {@code value} (ties to even), as its 16 bits. */
  public static short fromFloat(float value) {
    int bits = Float.floatToRawIntBits(value);
    if ((bits & 0x7fffffff) > 0x7f800000) {
      return (short) ((bits >>> 16) | 0x0040); // NaN: keep it NaN, whatever its payload
    }
    // Adding 0x7fff plus the lowest kept bit carries into the kept half exactly when the dropped half
    // is above the midpoint, or at it with an odd kept half. A carry out of the mantissa bumps the
    // exponent, which is right, and out of the largest finite exponent gives infinity.
    return (short) ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16);
  }

  /** The float32 whose bits are {@code bits} followed by 16 zeros: exactly the bfloat16's value. */
  public static float toFloat(short bits) {
    return Float.intBitsToFloat(bits << 16);
  }

  /** {@code value} rounded to the nearest bfloat16, as a float: what a bf16 wire delivers. */
  public static float round(float value) {
    return toFloat(fromFloat(value));
  }

  /**
   * Writes {@code src[from, from + length)} as bfloat16 little-endian into {@code dst} from byte
   * {@code dstOffset}, two bytes per value, with no intermediate array.
   */
  public static void encode(float[] src, int from, int length, byte[] dst, int dstOffset) {
    for (int i = 0; i < length; i++) {
      SHORTS.set(dst, dstOffset + i * BYTES, fromFloat(src[from + i]));
    }
  }
}
