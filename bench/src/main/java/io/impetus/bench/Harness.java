package io.impetus.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * A small in-process timing harness for {@code impetus bench}: for each case, warmup rounds, then
 * N measured rounds; each round times a batch of subject runs and a batch of baseline runs, in
 * alternating order, so both see the same machine state (other processes on a small machine make
 * absolute numbers noisy; the ratio of medians measured together is what to compare).
 */
public final class Harness {

  /** How long to measure. */
  public record Settings(int warmupRounds, int rounds, double minRoundMillis) {
    public static final Settings QUICK = new Settings(5, 9, 50);
    public static final Settings FULL = new Settings(10, 31, 100);
  }

  /** Medians in nanoseconds per run. */
  public record Result(String name, String baseline, double subjectNanos, double baselineNanos, long subjectRuns) {
    public double ratio() {
      return subjectNanos / baselineNanos;
    }
  }

  private final Settings settings;
  private long sink;

  public Harness(Settings settings) {
    this.settings = settings;
  }

  /** The cases of the suite; {@code sizes} are the P values of the codec, optimizer and round-trip cases. */
  public static List<Supplier<BenchCase>> suite(int[] sizes, boolean roundTrip) {
    List<Supplier<BenchCase>> cases = new ArrayList<>();
    for (int p : sizes) {
      cases.add(() -> new OptimizerCase("sgd", p));
      cases.add(() -> new OptimizerCase("adam", p));
      cases.add(() -> new CodecCase(true, p));
      cases.add(() -> new CodecCase(false, p));
    }
    cases.add(() -> new ReluCase(true));
    cases.add(() -> new ReluCase(false));
    if (roundTrip) {
      for (int p : sizes) {
        cases.add(() -> roundTrip(p, RoundTripCase.Mode.RAW_TCP));
        cases.add(() -> roundTrip(p, RoundTripCase.Mode.SHARED_MEMORY));
        cases.add(() -> roundTrip(p, RoundTripCase.Mode.DOORBELL));
      }
    }
    return cases;
  }

  private static BenchCase roundTrip(int p, RoundTripCase.Mode mode) {
    try {
      return new RoundTripCase(p, mode);
    } catch (Exception e) {
      throw new IllegalStateException("cannot start the round-trip bench: " + e.getMessage(), e);
    }
  }

  /**
   * Only the cases of one kind: {@code optimizer}, {@code codec}, {@code push-pull}, {@code aliasing}
   * (push-pull with vs without the aliasing marshallers), {@code shm} (push-pull through shared
   * memory vs in gRPC messages), {@code doorbell} (shared-memory push-pulls with their headers on
   * the shard's doorbell vs on a header stream), {@code bf16} (push-pull with bfloat16 floats in gRPC
   * messages vs float32) or {@code relu} (the rectifier's passes, one layer's size).
   */
  public static List<Supplier<BenchCase>> select(int[] sizes, String kind) {
    List<Supplier<BenchCase>> cases = new ArrayList<>();
    if (kind.equals("relu")) {
      cases.add(() -> new ReluCase(true));
      cases.add(() -> new ReluCase(false));
      return cases;
    }
    for (int p : sizes) {
      switch (kind) {
        case "optimizer" -> {
          cases.add(() -> new OptimizerCase("sgd", p));
          cases.add(() -> new OptimizerCase("adam", p));
        }
        case "codec" -> {
          cases.add(() -> new CodecCase(true, p));
          cases.add(() -> new CodecCase(false, p));
        }
        case "push-pull" -> cases.add(() -> roundTrip(p, RoundTripCase.Mode.RAW_TCP));
        case "aliasing" -> cases.add(() -> roundTrip(p, RoundTripCase.Mode.ALIASING));
        case "shm" -> cases.add(() -> roundTrip(p, RoundTripCase.Mode.SHARED_MEMORY));
        case "doorbell" -> cases.add(() -> roundTrip(p, RoundTripCase.Mode.DOORBELL));
        case "bf16" -> cases.add(() -> roundTrip(p, RoundTripCase.Mode.BF16));
        default -> throw new IllegalArgumentException("unknown benchmark kind " + kind);
      }
    }
    return cases;
  }

  /** Measures one case (and closes it). */
  public Result measure(BenchCase c) throws Exception {
    try (c) {
      // Warm up, then calibrate each side on its own: enough runs per batch that one batch takes
      // about minRoundMillis (a single timed run is too noisy to size a batch from).
      int subjectBatch = calibrate(c, true, settings.minRoundMillis() / 4);
      int baselineBatch = calibrate(c, false, settings.minRoundMillis() / 4);
      for (int i = 0; i < settings.warmupRounds(); i++) {
        time(c, true, subjectBatch);
        time(c, false, baselineBatch);
      }
      subjectBatch = calibrate(c, true, settings.minRoundMillis());
      baselineBatch = calibrate(c, false, settings.minRoundMillis());
      double[] subject = new double[settings.rounds()];
      double[] baseline = new double[settings.rounds()];
      for (int r = 0; r < settings.rounds(); r++) {
        if (r % 2 == 0) {
          subject[r] = time(c, true, subjectBatch);
          baseline[r] = time(c, false, baselineBatch);
        } else {
          baseline[r] = time(c, false, baselineBatch);
          subject[r] = time(c, true, subjectBatch);
        }
      }
      sink += c.sink();
      return new Result(c.name(), c.baselineName(), median(subject), median(baseline), (long) subjectBatch * settings.rounds());
    }
  }

  /** Runs one side until {@code millis} have passed; returns how many runs take about that long. */
  private static int calibrate(BenchCase c, boolean subject, double millis) throws Exception {
    long budget = (long) (millis * 1e6);
    long start = System.nanoTime();
    long runs = 0;
    long elapsed;
    do {
      time(c, subject, 1);
      runs++;
      elapsed = System.nanoTime() - start;
    } while (elapsed < budget && runs < 1_000_000);
    double perRun = elapsed / (double) runs;
    return (int) Math.max(1, Math.min(1_000_000, budget / perRun));
  }

  private static double time(BenchCase c, boolean subject, int runs) throws Exception {
    long start = System.nanoTime();
    if (subject) {
      for (int i = 0; i < runs; i++) {
        c.subject();
      }
    } else {
      for (int i = 0; i < runs; i++) {
        c.baseline();
      }
    }
    return (System.nanoTime() - start) / (double) runs;
  }

  /** The median of {@code values} (the mean of the middle two for an even count); {@code values} is left as it was. */
  public static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    int n = v.length;
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }

  /** Runs every case and prints one table row per case as it finishes. */
  public List<Result> run(List<Supplier<BenchCase>> cases, PrintStream out) throws Exception {
    out.println(header());
    List<Result> results = new ArrayList<>();
    for (Supplier<BenchCase> supplier : cases) {
      Result r = measure(supplier.get());
      results.add(r);
      out.println(row(r));
      out.flush();
    }
    if (sink == 42) {
      out.println();
    }
    return results;
  }

  public static String header() {
    return String.format("%-32s %12s   %-30s %12s %8s", "benchmark", "median", "baseline", "median", "ratio");
  }

  public static String row(Result r) {
    return String.format("%-32s %12s   %-30s %12s %7.2fx", r.name(), human(r.subjectNanos()), r.baseline(),
        human(r.baselineNanos()), r.ratio());
  }

  static String human(double nanos) {
    if (nanos >= 1e6) {
      return String.format("%.3f ms", nanos / 1e6);
    }
    if (nanos >= 1e3) {
      return String.format("%.1f us", nanos / 1e3);
    }
    return String.format("%.0f ns", nanos);
  }
}
