package io.impetus.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.impetus.proto.FloatEncoding;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FloatCodecTest {

  @Test
  void encodesFloat32LittleEndian() {
    ByteString bytes = FloatCodec.encode(new float[] {1.0f});
    // 1.0f = 0x3F800000, least significant byte first
    assertArrayEquals(new byte[] {0, 0, (byte) 0x80, 0x3F}, bytes.toByteArray());
  }

  @Test
  void roundTripsEveryBitPatternIncludingSpecialValues() {
    float[] values = {0f, -0f, 1e-45f, Float.MIN_NORMAL, 3.4028235e38f, Float.NaN, Float.NEGATIVE_INFINITY, -1.5f};
    float[] back = FloatCodec.decode(FloatCodec.encode(values));
    for (int i = 0; i < values.length; i++) {
      assertEquals(Float.floatToRawIntBits(values[i]), Float.floatToRawIntBits(back[i]));
    }
  }

  @Test
  void decodesIntoAnOffsetOfTheDestination() {
    float[] dst = new float[5];
    int n = FloatCodec.decode(FloatCodec.encode(new float[] {9f, 8f, 7f, 6f}, 1, 2), dst, 3);
    assertEquals(2, n);
    assertArrayEquals(new float[] {0f, 0f, 0f, 8f, 7f}, dst);
  }

  @Test
  void wrapSharesTheCallersBuffer() {
    byte[] buffer = new byte[8];
    ByteString wrapped = FloatCodec.wrap(new float[] {2f, 3f}, 0, 2, buffer);
    assertEquals(8, wrapped.size());
    buffer[7] = 0; // the caller owns the buffer: changing it changes the message
    assertEquals(0, wrapped.byteAt(7));
  }

  @Test
  void rejectsPayloadsThatAreNotWholeFloats() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> FloatCodec.floatCount(ByteString.copyFrom(new byte[5])));
    assertEquals("float32 payload has 5 bytes, which is not a multiple of 4", e.getMessage());
  }

  @Test
  void rejectsChunksThatOverrunTheDestination() {
    assertThrows(IllegalArgumentException.class, () -> FloatCodec.decode(FloatCodec.encode(new float[3]), new float[4], 2));
  }

  @Test
  void chunksCoverLargeSlicesWithinTheMessageLimit() {
    long length = 50_000_000L / 2;
    int chunks = FloatCodec.chunkCount(length);
    long total = 0;
    for (int c = 0; c < chunks; c++) {
      int len = FloatCodec.chunkLength(length, c);
      assertEquals(true, len * 4L <= 2L * 1024 * 1024);
      total += len;
    }
    assertEquals(length, total);
    assertEquals(1, FloatCodec.chunkCount(0));
  }

  @Test
  void decodeCheckedFindsTheFirstNonFiniteValueInAnyBlockAndAcrossPieces() {
    int n = 3 * FloatDecoder.BLOCK_FLOATS + 5;
    float[] bad = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.intBitsToFloat(0xffc00001)};
    for (int at : new int[] {0, 1, FloatDecoder.BLOCK_FLOATS - 1, FloatDecoder.BLOCK_FLOATS, 2 * FloatDecoder.BLOCK_FLOATS + 7, n - 1}) {
      float[] values = new float[n];
      for (int i = 0; i < n; i++) {
        values[i] = (i % 7 - 3) * 1e38f; // large but finite, including the extremes of the range
      }
      values[at] = bad[at % bad.length];
      if (at + 3 < n) {
        values[at + 3] = Float.NaN; // a later bad value must not be reported
      }
      byte[] bytes = FloatCodec.encode(values).toByteArray();
      for (int split : new int[] {bytes.length, 16_384, 4099, 6}) {
        List<ByteString> pieces = new ArrayList<>();
        for (int from = 0; from < bytes.length; from += split) {
          pieces.add(ByteString.copyFrom(bytes, from, Math.min(split, bytes.length - from)));
        }
        float[] out = new float[n + 2];
        assertEquals(at + 2, FloatCodec.decodeChecked(ByteString.copyFrom(pieces), out, 2), "at " + at + ", split " + split);
        for (int i = 0; i < n; i++) {
          assertEquals(Float.floatToRawIntBits(values[i]), Float.floatToRawIntBits(out[i + 2]));
        }
      }
    }
  }

  @Test
  void decodeCheckedReportsMinusOneWhenEverythingIsFinite() {
    float[] values = {0f, -0f, Float.MIN_VALUE, Float.MAX_VALUE, -Float.MAX_VALUE, 1.5f};
    float[] out = new float[values.length];
    assertEquals(-1, FloatCodec.decodeChecked(FloatCodec.encode(values), out, 0));
    assertEquals(-1, FloatCodec.decodeChecked(ByteString.EMPTY, out, 0));
  }

  @Test
  void decodesFloatsStraddlingBuffers() {
    float[] values = {1.5f, -2.25f, Float.MIN_VALUE, Float.MAX_VALUE, -0.0f, 3e-39f, 42f};
    byte[] bytes = FloatCodec.encode(values).toByteArray();
    for (int split = 1; split < 7; split++) {
      List<ByteString> pieces = new ArrayList<>();
      for (int from = 0; from < bytes.length; from += split) {
        pieces.add(ByteString.copyFrom(bytes, from, Math.min(split, bytes.length - from)));
      }
      float[] out = new float[values.length + 2];
      assertEquals(values.length, FloatCodec.decode(ByteString.copyFrom(pieces), out, 2));
      for (int i = 0; i < values.length; i++) {
        assertEquals(Float.floatToRawIntBits(values[i]), Float.floatToRawIntBits(out[i + 2]), "split " + split);
      }
    }
  }

  @Test
  void encodesBf16LittleEndianTwoBytesAValue() {
    ByteString bytes = FloatCodec.encode(new float[] {9f, 1.00390625f, -2f}, 1, 2, FloatEncoding.BF16);
    // 1 + 2^-8 rounds to 1.0 = 0x3F80, -2 = 0xC000; least significant byte first
    assertArrayEquals(new byte[] {(byte) 0x80, 0x3F, 0, (byte) 0xC0}, bytes.toByteArray());
  }

  @Test
  void aBf16RoundTripDeliversEachValueRoundedToNearestEven() {
    float[] values = {0f, -0f, 1.00390625f, 1.01171875f, 3.14159265f, -1e-40f, 3.3895314e38f, Float.MAX_VALUE,
        Float.NEGATIVE_INFINITY, Float.intBitsToFloat(0x7F800001), 1e-45f};
    byte[] bytes = FloatCodec.encode(values, 0, values.length, FloatEncoding.BF16).toByteArray();
    assertEquals(2 * values.length, bytes.length);
    for (int split = 1; split <= bytes.length; split++) { // values straddle every kind of piece boundary
      List<ByteString> pieces = new ArrayList<>();
      for (int from = 0; from < bytes.length; from += split) {
        pieces.add(ByteString.copyFrom(bytes, from, Math.min(split, bytes.length - from)));
      }
      float[] out = new float[values.length + 1];
      assertEquals(values.length, FloatCodec.decode(ByteString.copyFrom(pieces), out, 1, FloatEncoding.BF16));
      for (int i = 0; i < values.length; i++) {
        assertEquals(Float.floatToRawIntBits(Bf16.round(values[i])), Float.floatToRawIntBits(out[i + 1]),
            "value " + i + ", split " + split);
      }
    }
    float[] out = new float[values.length];
    FloatCodec.decode(ByteString.copyFrom(bytes), out, 0, FloatEncoding.BF16);
    assertEquals(1.0f, out[2], 0f);
    assertEquals(1.015625f, out[3], 0f);
    assertEquals(3.140625f, out[4], 0f);
    assertEquals(3.3895314e38f, out[6], 0f);
    assertEquals(Float.POSITIVE_INFINITY, out[7], 0f, "Float.MAX_VALUE overflows");
    assertTrue(Float.isNaN(out[9]));
    assertEquals(0f, out[10], 0f);
  }

  @Test
  void decodeCheckedFindsNonFiniteBf16ValuesIncludingOverflowedOnes() {
    int n = 2 * FloatDecoder.BLOCK_FLOATS + 9;
    for (float bad : new float[] {Float.NaN, Float.NEGATIVE_INFINITY, Float.MAX_VALUE}) {
      for (int at : new int[] {0, FloatDecoder.BLOCK_FLOATS - 1, FloatDecoder.BLOCK_FLOATS, n - 1}) {
        float[] values = new float[n];
        java.util.Arrays.fill(values, 3.3895314e38f); // bf16's largest finite value: finite
        values[at] = bad;
        ByteString bytes = FloatCodec.encode(values, 0, n, FloatEncoding.BF16);
        float[] out = new float[n];
        assertEquals(at, FloatCodec.decodeChecked(bytes, out, 0, FloatEncoding.BF16), bad + " at " + at);
        assertEquals(-1, FloatCodec.decodeChecked(FloatCodec.encode(values, 0, at, FloatEncoding.BF16), out, 0,
            FloatEncoding.BF16), "the values before it are finite");
      }
    }
  }

  @Test
  void rejectsBf16PayloadsThatAreNotWholeValuesOrDoNotFit() {
    IllegalArgumentException odd = assertThrows(IllegalArgumentException.class,
        () -> FloatCodec.floatCount(ByteString.copyFrom(new byte[5]), FloatEncoding.BF16));
    assertEquals("bfloat16 payload has 5 bytes, which is not a multiple of 2", odd.getMessage());
    assertEquals(3, FloatCodec.floatCount(ByteString.copyFrom(new byte[6]), FloatEncoding.BF16));
    assertThrows(IllegalArgumentException.class,
        () -> FloatCodec.decode(ByteString.copyFrom(new byte[6]), new float[4], 2, FloatEncoding.BF16));
    assertThrows(IllegalArgumentException.class, () -> FloatCodec.bytesPerValue(FloatEncoding.UNRECOGNIZED));
  }

  @Test
  void wrapWritesBf16AtAnOffsetOfTheCallersBuffer() {
    byte[] buffer = new byte[8];
    ByteString wrapped = FloatCodec.wrap(new float[] {1f, 2f, -1f}, 1, 2, buffer, 4, FloatEncoding.BF16);
    assertEquals(4, wrapped.size());
    assertArrayEquals(new byte[] {0, 0, 0, 0, 0, 0x40, (byte) 0x80, (byte) 0xBF}, buffer);
  }
}
