package io.impetus.optim;

/**
 * What one checked update overwrote, so that an update that would leave a non-finite value can be
 * taken back exactly: the old parameters and the old values of up to three state buffers, for the
 * elements the update has written so far. One instance serves one slice and is reused for every
 * update; its buffers are allocated on the first update and again only if the slice's shape changes.
 *
 * <p>Cost, by design: a checked update stays one pass over the slice. Each element's new values are
 * computed in registers, tested for finiteness (a subtraction and a compare per value, no extra read),
 * and only then stored, next to the old values it already loaded, which go into this undo. So the
 * normal path pays one extra sequential store per value and no extra pass, no allocation and no
 * {@code clone()} of the slice; the restore (a copy of the written prefix back) runs only when an
 * update is refused. The price is memory: {@code 1 + state buffers} floats per parameter.
 *
 * <p>Not thread-safe; the owner of the slice serializes its updates.
 */
public final class UpdateUndo {
  private static final float[] NONE = new float[0];

  float[] params = NONE;
  float[] first = NONE;
  float[] second = NONE;
  float[] third = NONE;

  /** Sizes the undo for a slice of {@code length} values with {@code buffers} state buffers (0 to 3). */
  void prepare(int length, int buffers) {
    if (params.length != length) {
      params = new float[length];
      first = second = third = NONE;
    }
    first = sized(first, buffers >= 1 ? length : 0);
    second = sized(second, buffers >= 2 ? length : 0);
    third = sized(third, buffers >= 3 ? length : 0);
  }

  private static float[] sized(float[] buffer, int length) {
    return buffer.length == length ? buffer : (length == 0 ? NONE : new float[length]);
  }

  /**
   * Puts back the old values of elements {@code [0, written)} of the parameters and of each given
   * state buffer (in the order they were saved; null for one the optimizer does not keep).
   *
   * @return false, so that a refused step can end with {@code return undo.restore(...)}
   */
  boolean restore(int written, float[] p, float[] a, float[] b, float[] c) {
    System.arraycopy(params, 0, p, 0, written);
    copyBack(first, a, written);
    copyBack(second, b, written);
    copyBack(third, c, written);
    return false;
  }

  private static void copyBack(float[] saved, float[] target, int written) {
    if (target != null) {
      System.arraycopy(saved, 0, target, 0, written);
    }
  }

  /** Whether {@code a} or {@code b} is NaN or infinite: {@code x - x} is +0 for every finite x and NaN otherwise. */
  static boolean nonFinite(float a, float b) {
    float z = (a - a) + (b - b);
    return z != z;
  }

  /** Whether any of the four values is NaN or infinite. */
  static boolean nonFinite(float a, float b, float c, float d) {
    float z = (a - a) + (b - b) + (c - c) + (d - d);
    return z != z;
  }
}
