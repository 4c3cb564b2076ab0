package io.impetus.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * bfloat16 rounding: round to nearest, ties to even, checked against cases worked out by hand on the
 * bits (a float32 is kept half 0xHHHH and dropped half 0xLLLL; the midpoint is 0x8000), and against
 * a reference that picks the nearer of the two neighbouring bfloat16 values in double arithmetic.
 */
class Bf16Test {

  private static void assertRounds(int floatBits, int bf16Bits, String why) {
    short got = Bf16.fromFloat(Float.intBitsToFloat(floatBits));
    assertEquals(String.format("0x%04X", bf16Bits), String.format("0x%04X", got & 0xffff),
        String.format("0x%08X: %s", floatBits, why));
  }

  @Test
  void valuesThatFitAreKeptExactly() {
    assertRounds(0x3F800000, 0x3F80, "1.0");
    assertRounds(0xC0490000, 0xC049, "-3.140625");
    assertRounds(0x00000000, 0x0000, "+0");
    assertRounds(0x80000000, 0x8000, "-0 keeps its sign");
    assertEquals(-3.140625f, Bf16.toFloat((short) 0xC049), 0f);
  }

  @Test
  void roundsToNearestAndTiesToEven() {
    assertRounds(0x3F807FFF, 0x3F80, "just below the midpoint: down");
    assertRounds(0x3F808001, 0x3F81, "just above the midpoint: up");
    assertRounds(0x3F808000, 0x3F80, "1 + 2^-8, a tie: to the even 0x3F80 (1.0)");
    assertRounds(0x3F818000, 0x3F82, "1 + 3 * 2^-8, a tie: to the even 0x3F82 (1.015625)");
    assertRounds(0xBF808000, 0xBF80, "-(1 + 2^-8): ties to even on the magnitude");
    assertRounds(0xBF818000, 0xBF82, "-(1 + 3 * 2^-8)");
    assertRounds(0x3FFF8000, 0x4000, "1.99609375, a tie with an odd kept half: carries into the exponent, 2.0");
    assertEquals(1.0f, Bf16.round(1.00390625f), 0f);
    assertEquals(1.015625f, Bf16.round(1.01171875f), 0f);
  }

  @Test
  void subnormalsRoundLikeAnyOtherValue() {
    assertRounds(0x00000001, 0x0000, "Float.MIN_VALUE is far below half of bf16's smallest subnormal: +0");
    assertRounds(0x00008000, 0x0000, "exactly half the smallest bf16 subnormal: a tie, to the even 0");
    assertRounds(0x00008001, 0x0001, "just above it: the smallest bf16 subnormal, 2^-133");
    assertRounds(0x00018000, 0x0002, "a tie between subnormals 1 and 2: to the even 2");
    assertRounds(0x007FFFFF, 0x0080, "float32's largest subnormal rounds up to Float.MIN_NORMAL");
    assertRounds(0x80008001, 0x8001, "negative subnormals alike");
    assertEquals(0x1p-133f, Bf16.toFloat((short) 0x0001), 0f);
  }

  @Test
  void theLargestFiniteValueAndOverflowToInfinity() {
    assertRounds(0x7F7F0000, 0x7F7F, "bf16's largest finite value, 3.3895314e38");
    assertEquals(3.3895314e38f, Bf16.toFloat((short) 0x7F7F), 0f);
    assertRounds(0x7F7F7FFF, 0x7F7F, "below the midpoint to the next power of two: stays finite");
    assertRounds(0x7F7F8000, 0x7F80, "the midpoint, a tie with the odd 0x7F7F: up, to infinity");
    assertRounds(0x7F7FFFFF, 0x7F80, "Float.MAX_VALUE overflows to +infinity");
    assertRounds(0xFF7FFFFF, 0xFF80, "-Float.MAX_VALUE overflows to -infinity");
    assertRounds(0x7F800000, 0x7F80, "+infinity stays");
    assertRounds(0xFF800000, 0xFF80, "-infinity stays");
  }

  @Test
  void nanStaysNanWhateverItsPayload() {
    assertRounds(0x7FC00000, 0x7FC0, "the canonical quiet NaN");
    assertRounds(0x7F800001, 0x7FC0, "a NaN whose payload is all in the dropped half: not infinity, a quiet NaN");
    assertRounds(0xFF800001, 0xFFC0, "its sign is kept");
    assertRounds(0x7FFFFFFF, 0x7FFF, "the rounding carry must not overflow a NaN into the sign");
    assertTrue(Float.isNaN(Bf16.round(Float.intBitsToFloat(0x7F800001))));
  }

  @Test
  void everyBf16ValueSurvivesARoundTripBitForBit() {
    for (int b = 0; b < 1 << 16; b++) {
      short bits = (short) b;
      float value = Bf16.toFloat(bits);
      assertEquals(b << 16, Float.floatToRawIntBits(value), "decoding is exact");
      if (!Float.isNaN(value)) {
        int pattern = b;
        assertEquals(bits, Bf16.fromFloat(value), () -> String.format("0x%04X", pattern));
      }
    }
  }

  @Test
  void agreesWithTheNearerNeighbourOnRandomBitPatterns() {
    SplittableRandom random = new SplittableRandom(16);
    for (int n = 0; n < 200_000; n++) {
      int bits = random.nextInt();
      float x = Float.intBitsToFloat(bits);
      if (Float.isNaN(x) || Float.isInfinite(x)) {
        continue;
      }
      int low = bits & 0xffff0000; // truncation: the neighbour toward zero
      double down = Float.intBitsToFloat(low);
      double up = low == 0x7f7f0000 || low == 0xff7f0000
          ? Math.copySign(0x1p128, x) // past the largest finite value comes the next power of two
          : Float.intBitsToFloat(low + 0x10000);
      double distanceDown = Math.abs(x - down);
      double distanceUp = Math.abs(up - x);
      int expected = distanceDown < distanceUp || (distanceDown == distanceUp && (low & 0x10000) == 0)
          ? low >>> 16 : (low >>> 16) + 1;
      assertEquals(expected & 0xffff, Bf16.fromFloat(x) & 0xffff, () -> String.format("0x%08X", bits));
    }
  }
}
