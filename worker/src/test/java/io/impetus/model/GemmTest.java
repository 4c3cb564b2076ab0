package io.impetus.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Gemm computes row-major C = alpha·op(A)·op(B) + beta·C for every transpose combination, honouring offsets and strides. */
class GemmTest {

  @Test
  void everyTransposeCombinationMatchesTheDefinition() {
    SplittableRandom rng = new SplittableRandom(1);
    int m = 5;
    int n = 7;
    int k = 3;
    for (boolean transA : new boolean[] {false, true}) {
      for (boolean transB : new boolean[] {false, true}) {
        // Stored with padding (stride larger than the row) and an offset, to check both are honoured.
        int aRows = transA ? k : m;
        int aCols = transA ? m : k;
        int bRows = transB ? n : k;
        int bCols = transB ? k : n;
        int lda = aCols + 2;
        int ldb = bCols + 1;
        int ldc = n + 3;
        float[] a = random(rng, 4 + aRows * lda);
        float[] b = random(rng, 2 + bRows * ldb);
        float[] c = random(rng, 1 + m * ldc);
        float[] expected = c.clone();
        for (int i = 0; i < m; i++) {
          for (int j = 0; j < n; j++) {
            double sum = 0;
            for (int t = 0; t < k; t++) {
              float aValue = transA ? a[4 + t * lda + i] : a[4 + i * lda + t];
              float bValue = transB ? b[2 + j * ldb + t] : b[2 + t * ldb + j];
              sum += (double) aValue * bValue;
            }
            expected[1 + i * ldc + j] = (float) (0.5 * sum + 2.0 * c[1 + i * ldc + j]);
          }
        }
        Gemm.sgemm(transA, transB, m, n, k, 0.5f, a, 4, lda, b, 2, ldb, 2f, c, 1, ldc);
        for (int i = 0; i < c.length; i++) {
          assertEquals(expected[i], c[i], 1e-5, "transA=" + transA + " transB=" + transB + " index " + i);
        }
      }
    }
  }

  @Test
  void betaZeroIgnoresWhatCHeld() {
    float[] a = {1, 2};
    float[] b = {3, 4};
    float[] c = {Float.NaN};
    Gemm.sgemm(false, false, 1, 1, 2, 1f, a, 0, 2, b, 0, 1, 0f, c, 0, 1);
    assertEquals(11f, c[0]);
  }

  @Test
  void saysWhichBlasItUses() {
    // JNIBLAS with a system libblas.so.3 (OpenBLAS), else VectorBLAS (or Java11BLAS without the Vector API).
    String implementation = Gemm.implementation();
    System.out.println("BLAS: " + implementation);
    assertEquals(true, implementation.startsWith("dev.ludovic.netlib.blas."), implementation);
  }

  private static float[] random(SplittableRandom rng, int length) {
    float[] values = new float[length];
    for (int i = 0; i < length; i++) {
      values[i] = (float) rng.nextDouble(-1, 1);
    }
    return values;
  }
}
