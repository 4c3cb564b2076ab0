package io.impetus.simvsreal;

/**
 * What a sequence of staleness values looks like beyond its histogram: the mean, the lag-1
 * autocorrelation (0 for i.i.d. draws from a histogram; a real run's bursts make it positive), and,
 * when the workers are known, the spread of the per-worker mean staleness (a fast worker reads
 * fresher parameters than a slow one: staleness correlated with the worker, which i.i.d. draws miss).
 *
 * @param mean the mean staleness
 * @param max the largest staleness
 * @param maxAt where in the sequence the largest staleness first occurs, as a fraction of its length
 * @param lag1 the lag-1 autocorrelation; 0 for a constant sequence
 * @param workerMin the smallest per-worker mean staleness (NaN when the workers are not known)
 * @param workerMax the largest per-worker mean staleness (NaN when the workers are not known)
 */
record StalenessPattern(double mean, int max, double maxAt, double lag1, double workerMin, double workerMax) {

  /** The pattern of {@code staleness}; {@code worker} (same length, ranks 0..) or null. */
  static StalenessPattern of(int[] staleness, int[] worker) {
    int n = staleness.length;
    double mean = 0;
    int max = 0;
    int maxIndex = 0;
    for (int t = 0; t < n; t++) {
      mean += staleness[t];
      if (staleness[t] > max) {
        max = staleness[t];
        maxIndex = t;
      }
    }
    mean = n == 0 ? 0 : mean / n;
    double var = 0;
    double cov = 0;
    for (int t = 0; t < n; t++) {
      double d = staleness[t] - mean;
      var += d * d;
      if (t > 0) {
        cov += d * (staleness[t - 1] - mean);
      }
    }
    double lag1 = var > 0 ? cov / var : 0;
    double workerMin = Double.NaN;
    double workerMax = Double.NaN;
    if (worker != null && n > 0) {
      int ranks = 0;
      for (int w : worker) {
        ranks = Math.max(ranks, w + 1);
      }
      double[] sum = new double[ranks];
      int[] count = new int[ranks];
      for (int t = 0; t < n; t++) {
        sum[worker[t]] += staleness[t];
        count[worker[t]]++;
      }
      workerMin = Double.POSITIVE_INFINITY;
      workerMax = Double.NEGATIVE_INFINITY;
      for (int r = 0; r < ranks; r++) {
        if (count[r] > 0) {
          workerMin = Math.min(workerMin, sum[r] / count[r]);
          workerMax = Math.max(workerMax, sum[r] / count[r]);
        }
      }
    }
    return new StalenessPattern(mean, max, n == 0 ? 0 : (double) maxIndex / n, lag1, workerMin, workerMax);
  }
}
