package io.impetus.model;

import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.blas.JavaBLAS;

/**
 * Row-major single-precision matrix products through {@code dev.ludovic.netlib:blas}.
 *
 * <p>Which BLAS: the system's {@code libblas.so.3} through JNI when it loads (on Debian that is
 * OpenBLAS once {@code libopenblas0} is installed; the library name can be changed with
 * {@code -Ddev.ludovic.netlib.blas.nativeLib=...}), otherwise netlib's pure-Java BLAS, which is
 * vectorized when the JVM runs with {@code --add-modules jdk.incubator.vector} and scalar without.
 * {@code -Dimpetus.blas=java} skips the native library (to compare the two or to rule it out).
 * {@link #implementation()} says which one is in use.
 *
 * <p>BLAS is column-major; a row-major matrix is the column-major storage of its transpose. So the
 * row-major product C = op(A)·op(B) is computed as the column-major Cᵀ = op(B)ᵀ·op(A)ᵀ: swap the
 * operands and the dimensions m and n, keep the transpose flags. Nothing is copied or allocated.
 */
public final class Gemm {
  private static final BLAS BLAS_INSTANCE =
      "java".equals(System.getProperty("impetus.blas")) ? JavaBLAS.getInstance() : BLAS.getInstance();

  private Gemm() {}

  /** The class name of the BLAS in use, e.g. {@code dev.ludovic.netlib.blas.JNIBLAS}. */
  public static String implementation() {
    return BLAS_INSTANCE.getClass().getName();
  }

  /**
   * C = alpha·op(A)·op(B) + beta·C for row-major matrices: op(A) is m×k, op(B) is k×n, C is m×n.
   * {@code lda}, {@code ldb}, {@code ldc} are the row strides of A, B, C as stored (so for a
   * transposed A stored k×m, lda ≥ m). With beta = 0 the old contents of C are ignored (even NaN).
   */
  public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
      float[] a, int aOffset, int lda, float[] b, int bOffset, int ldb, float beta,
      float[] c, int cOffset, int ldc) {
    if (m == 0 || n == 0) {
      return;
    }
    BLAS_INSTANCE.sgemm(transB ? "T" : "N", transA ? "T" : "N", n, m, k, alpha,
        b, bOffset, ldb, a, aOffset, lda, beta, c, cOffset, ldc);
  }
}
