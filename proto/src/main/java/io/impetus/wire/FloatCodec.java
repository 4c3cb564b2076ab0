package io.impetus.wire;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.impetus.proto.FloatEncoding;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * Float arrays on the wire: float32 (or, where a header declares {@link FloatEncoding#BF16},
 * bfloat16, see {@link Bf16}), little-endian, in a protobuf {@code bytes} field.
 *
 * <p>Ownership: {@link #wrap} does not copy. The returned {@link ByteString} aliases the given
 * {@code byte[]}, which the caller must leave untouched until gRPC has serialized the message that
 * carries it (for a request, until the call's reply has arrived; for a reply, until the next
 * reply on the same call is built). {@link #decode} copies out of the message into a caller-owned
 * float array and keeps no reference to either; so it may be (and is) called on byte strings that
 * alias gRPC's transport buffers (a received {@link FloatChunk}), which are valid only until the
 * receiving {@code onNext} returns.
 */
public final class FloatCodec {

  /** Bytes per float32. */
  public static final int BYTES = Float.BYTES;

  /**
   * Largest number of floats sent in one message: 2 MiB of payload, so a chunk plus its header
   * stays well below gRPC's default 4 MiB inbound limit.
   */
  public static final int MAX_CHUNK_FLOATS = 1 << 19;

  private FloatCodec() {}

  /** Number of chunks needed for {@code length} floats (at least one, so empty slices still send a header). */
  public static int chunkCount(long length) {
    return (int) Math.max(1, (length + MAX_CHUNK_FLOATS - 1) / MAX_CHUNK_FLOATS);
  }

  /** Length of chunk {@code chunk} of a slice of {@code length} floats. */
  public static int chunkLength(long length, int chunk) {
    long start = (long) chunk * MAX_CHUNK_FLOATS;
    return (int) Math.max(0, Math.min(MAX_CHUNK_FLOATS, length - start));
  }

  /** Bytes per value in {@code encoding}: 4 for FP32, 2 for BF16. */
  public static int bytesPerValue(FloatEncoding encoding) {
    return switch (encoding) {
      case FP32 -> BYTES;
      case BF16 -> Bf16.BYTES;
      case UNRECOGNIZED -> throw new IllegalArgumentException("unknown float encoding");
    };
  }

  /**
   * Writes {@code src[from, from+length)} into {@code dst} starting at byte 0 and wraps those bytes
   * without copying. {@code dst} must hold at least {@code length * 4} bytes.
   */
  public static ByteString wrap(float[] src, int from, int length, byte[] dst) {
    return wrap(src, from, length, dst, 0);
  }

  /**
   * Writes {@code src[from, from+length)} into {@code dst} starting at byte {@code dstOffset} and
   * wraps those bytes without copying, so that one buffer can hold every chunk of a slice.
   */
  public static ByteString wrap(float[] src, int from, int length, byte[] dst, int dstOffset) {
    return wrap(src, from, length, dst, dstOffset, FloatEncoding.FP32);
  }

  /**
   * Writes {@code src[from, from+length)} in {@code encoding} into {@code dst} starting at byte
   * {@code dstOffset} (which must hold {@code length * bytesPerValue(encoding)} bytes from there) and
   * wraps those bytes without copying.
   */
  public static ByteString wrap(float[] src, int from, int length, byte[] dst, int dstOffset, FloatEncoding encoding) {
    int bytes = length * bytesPerValue(encoding);
    if (encoding == FloatEncoding.BF16) {
      Objects.checkFromIndexSize(from, length, src.length);
      Objects.checkFromIndexSize(dstOffset, bytes, dst.length);
      Bf16.encode(src, from, length, dst, dstOffset);
    } else {
      ByteBuffer.wrap(dst, dstOffset, bytes).slice().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer()
          .put(src, from, length);
    }
    return UnsafeByteOperations.unsafeWrap(dst, dstOffset, bytes);
  }

  /** Encodes {@code src[from, from+length)} into a new byte string. */
  public static ByteString encode(float[] src, int from, int length) {
    return encode(src, from, length, FloatEncoding.FP32);
  }

  /** Encodes {@code src[from, from+length)} in {@code encoding} into a new byte string. */
  public static ByteString encode(float[] src, int from, int length, FloatEncoding encoding) {
    return wrap(src, from, length, new byte[length * bytesPerValue(encoding)], 0, encoding);
  }

  /** Encodes a whole array. */
  public static ByteString encode(float[] src) {
    return encode(src, 0, src.length);
  }

  /** Number of floats in {@code bytes}; throws if its size is not a multiple of 4. */
  public static int floatCount(ByteString bytes) {
    return floatCount(bytes, FloatEncoding.FP32);
  }

  /** Number of values in {@code bytes} in {@code encoding}; throws if its size is not whole values. */
  public static int floatCount(ByteString bytes, FloatEncoding encoding) {
    return floatCount(bytes.size(), encoding);
  }

  /** Number of values in a payload of {@code byteCount} bytes; throws if that is not whole values. */
  static int floatCount(int byteCount, FloatEncoding encoding) {
    int width = bytesPerValue(encoding);
    if (byteCount % width != 0) {
      throw new IllegalArgumentException(encodingName(encoding) + " payload has " + byteCount
          + " bytes, which is not a multiple of " + width);
    }
    return byteCount / width;
  }

  private static String encodingName(FloatEncoding encoding) {
    return encoding == FloatEncoding.BF16 ? "bfloat16" : "float32";
  }

  /**
   * Decodes all floats of {@code bytes} into {@code dst} starting at {@code dstOffset}, reading
   * through read-only views of the message's buffers (no intermediate byte[]). {@code bytes} may be
   * made of several buffers (a received {@link FloatChunk}'s payload may point into the transport's
   * buffers, and a float may straddle two of them).
   *
   * @return the number of floats decoded
   * @throws IllegalArgumentException if the payload is not whole floats or does not fit in dst
   */
  public static int decode(ByteString bytes, float[] dst, int dstOffset) {
    return decode(bytes, dst, dstOffset, FloatEncoding.FP32);
  }

  /** Decodes like {@link #decode(ByteString, float[], int)} a payload in {@code encoding}. */
  public static int decode(ByteString bytes, float[] dst, int dstOffset, FloatEncoding encoding) {
    int count = checkFits(bytes, dst, dstOffset, encoding);
    decode(bytes, dst, dstOffset, false, encoding);
    return count;
  }

  /**
   * Decodes like {@link #decode(ByteString, float[], int)} and, in the same pass, finds the first NaN
   * or infinity among the decoded values (a receiver that must reject non-finite input need not read
   * the array a second time).
   *
   * @return the index in {@code dst} of the first non-finite value decoded, or -1 if all are finite
   * @throws IllegalArgumentException if the payload is not whole floats or does not fit in dst
   */
  public static int decodeChecked(ByteString bytes, float[] dst, int dstOffset) {
    return decodeChecked(bytes, dst, dstOffset, FloatEncoding.FP32);
  }

  /** Decodes and checks like {@link #decodeChecked(ByteString, float[], int)} a payload in {@code encoding}. */
  public static int decodeChecked(ByteString bytes, float[] dst, int dstOffset, FloatEncoding encoding) {
    checkFits(bytes, dst, dstOffset, encoding);
    return decode(bytes, dst, dstOffset, true, encoding);
  }

  private static int checkFits(ByteString bytes, float[] dst, int dstOffset, FloatEncoding encoding) {
    int count = floatCount(bytes, encoding);
    checkFits(count, dst, dstOffset);
    return count;
  }

  /** Throws unless {@code count} floats fit in {@code dst} from {@code dstOffset}. */
  static void checkFits(int count, float[] dst, int dstOffset) {
    if (dstOffset < 0 || (long) dstOffset + count > dst.length) {
      throw new IllegalArgumentException(
          "chunk of " + count + " floats at offset " + dstOffset + " does not fit in " + dst.length + " values");
    }
  }

  private static int decode(ByteString bytes, float[] dst, int dstOffset, boolean check, FloatEncoding encoding) {
    FloatDecoder decoder = new FloatDecoder().start(dst, dstOffset, check, encoding);
    for (ByteBuffer piece : bytes.asReadOnlyByteBufferList()) {
      decoder.accept(piece);
    }
    return decoder.firstNonFinite();
  }

  /** Decodes a whole payload into a new array. */
  public static float[] decode(ByteString bytes) {
    float[] out = new float[floatCount(bytes)];
    decode(bytes, out, 0);
    return out;
  }
}
