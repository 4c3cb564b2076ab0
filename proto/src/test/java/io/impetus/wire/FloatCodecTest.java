package io.impetus.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.ByteString;
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
}
