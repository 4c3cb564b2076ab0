package io.impetus.data;

/**
 * Derives independent seeds from a base seed and a few integers, so that every random stream in a
 * run (the data set, each worker's shuffle in each epoch) is a pure function of its inputs.
 *
 * <p>Contract: {@code derive} is deterministic, allocation-free, and maps nearby inputs (seed 1 vs 2,
 * epoch 3 vs 4) to unrelated outputs. It uses the SplitMix64 finalizer, whose avalanche makes
 * consecutive integers safe to use as stream ids.
 */
public final class Seeds {
  /** SplitMix64's increment (the golden ratio in 64 bits). */
  private static final long GAMMA = 0x9E3779B97F4A7C15L;

  private Seeds() {}

  /** A seed for stream {@code a} of {@code seed}. */
  public static long derive(long seed, long a) {
    // Mix the seed first so that derive(s, a) and derive(s', a') do not collide when s + a = s' + a'.
    return mix64(mix64(seed + GAMMA) + GAMMA * (a + 1));
  }

  /** A seed for stream ({@code a}, {@code b}) of {@code seed}, e.g. (rank, epoch). */
  public static long derive(long seed, long a, long b) {
    return derive(derive(seed, a), b);
  }

  /** The SplitMix64 output function (Stafford's variant 13). */
  static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
