package io.impetus.shard;

/** Floats as their raw bits, so that assertions compare them bit for bit (-0.0 and NaN payloads too). */
final class ShardTestClientBits {
  private ShardTestClientBits() {}

  static int[] of(float[] values) {
    int[] out = new int[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = Float.floatToRawIntBits(values[i]);
    }
    return out;
  }
}
