package io.impetus.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.ByteString;
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
}
