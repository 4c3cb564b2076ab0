package io.impetus.study.experiments;

import io.impetus.csv.CsvTable;
import io.impetus.data.Dataset;
import io.impetus.data.ImageData;
import io.impetus.data.ImageDatasets;
import io.impetus.model.Classifier;
import io.impetus.model.Mlp;
import io.impetus.model.Workload;
import io.impetus.optim.OptimizerConfig;
import io.impetus.optim.OptimizerKind;
import io.impetus.study.output.Plots;
import io.impetus.study.simulate.Fmt;
import io.impetus.study.simulate.Probe;
import io.impetus.study.simulate.Problem;
import io.impetus.study.simulate.SimulationConfig;
import io.impetus.study.simulate.Simulator;
import io.impetus.study.simulate.Trajectory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

/**
 * {@code fmnist-staleness} (Dai et al., ICLR 2019, "Toward understanding the impact of staleness in
 * distributed machine learning"): an MLP on Fashion-MNIST, every gradient computed at parameters
 * τ ~ uniform{0..s} updates old, needs more batches to reach 80% test accuracy the larger s is, and
 * momentum methods (SGD momentum 0.9, Adam) slow down more than plain SGD.
 *
 * <p>Each (optimizer, s) is one {@link Simulator} run on the real {@link Mlp} and the real optimizer
 * (through the shard's {@code SliceUpdater}), minibatches of 64, at most {@code budget} updates. A
 * {@link Probe} evaluates test accuracy every {@code every} updates on a fixed seeded subsample of
 * the test set and stops the run once it reaches 80%, so "batches to 80%" is a multiple of
 * {@code every} (the resolution of the measurement).
 *
 * <p>The verdict: for each optimizer, batches to 80% do not fall as s grows, beyond a tolerance of
 * max(one evaluation interval, 10%) between consecutive s (one seed is noisy), and are larger at the
 * largest s than at s = 0 ("not reached" counts as more than the budget); and at the largest s where
 * plain SGD still reached the target, the slowdown b(s)/b(0) of momentum SGD and of Adam exceeds
 * plain SGD's (not reached where SGD reached counts as a larger slowdown).
 */
public final class FmnistStaleness implements Experiment {
  /** The test accuracy whose crossing is timed. */
  public static final double TARGET = 0.80;
  /** Minibatch size. */
  public static final int BATCH = 64;
  /** The default hidden widths: the catalog's {@code mlp}, 784-256-128-10. */
  public static final int[] DEFAULT_HIDDEN = Mlp.DEFAULT_HIDDEN;

  /** One optimizer of the comparison. */
  record Opt(String name, OptimizerConfig config) {}

  /** The grid; {@code quick} is a smoke run (2 delays, small budget, small evaluation set). */
  record Grid(List<Integer> delays, List<Opt> optimizers, int budget, int every, int evalSize, long seed) {}

  static Grid grid(boolean quick) {
    List<Opt> opts = List.of(
        new Opt("sgd", OptimizerConfig.sgd(0.05, 0)),
        new Opt("sgd-momentum-0.9", OptimizerConfig.sgd(0.01, 0.9)),
        new Opt("adam", OptimizerConfig.defaults(OptimizerKind.ADAM, 0.001)));
    return quick
        ? new Grid(List.of(0, 16), opts, 1500, 25, 1000, 0)
        : new Grid(List.of(0, 4, 8, 16, 32), opts, 3000, 50, 2000, 0);
  }

  @Override
  public String name() {
    return "fmnist-staleness";
  }

  @Override
  public String literature() {
    return "W. Dai, Y. Zhou, N. Dong, H. Zhang and E. P. Xing, \"Toward understanding the impact of staleness in distributed machine learning\", ICLR 2019";
  }

  @Override
  public String claim() {
    return "An MLP on Fashion-MNIST with uniform delays s in {0, 4, 8, 16, 32} needs more batches to reach 80% test "
        + "accuracy the larger s is, for plain SGD, SGD momentum 0.9 and Adam, and the momentum methods slow down more "
        + "than plain SGD (Dai et al. 2019).";
  }

  @Override
  public Outcome run(ExperimentOptions o) throws Exception {
    Grid g = grid(o.quick());
    int[] hidden = o.hidden() != null ? o.hidden() : DEFAULT_HIDDEN;
    ImageData images = ImageDatasets.load(ImageDatasets.FASHION_MNIST, o.dataDir());
    Dataset evalSet = subsample(images.test(), g.evalSize(), 12345L);
    String arch = images.pixels() + "-" + Arrays.stream(hidden).mapToObj(Integer::toString).collect(Collectors.joining("-"))
        + (hidden.length > 0 ? "-" : "") + images.classes();
    Problem problem = Problem.of("mlp-" + arch + " on " + images.name(), BATCH,
        () -> new Workload(new Mlp(images.pixels(), hidden, images.classes()), images.train(), images.test()));
    o.log().accept("MLP " + arch + ", " + images.train().size() + " training images, test accuracy on " + evalSet.size()
        + " test images every " + g.every() + " batches of " + BATCH + ", budget " + g.budget() + " batches; "
        + g.optimizers().size() * g.delays().size() + " runs on " + o.threads() + " threads");

    // Every (optimizer, s) run, in parallel: the data is shared read-only, each run has its own models.
    int nOpt = g.optimizers().size();
    int nDelay = g.delays().size();
    Run[][] runs = new Run[nOpt][nDelay];
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(o.threads(), nOpt * nDelay)));
    try {
      List<Future<Run>> futures = new ArrayList<>();
      for (Opt opt : g.optimizers()) {
        for (int s : g.delays()) {
          futures.add(pool.submit(() -> {
            long started = System.nanoTime();
            Run r = runOne(problem, opt, s, g, evalSet, images, hidden);
            o.log().accept(String.format("%-17s s=%-2d %s (%.1f s)", opt.name(), s,
                r.batchesTo() >= 0 ? "80% after " + r.batchesTo() + " batches" : "not reached in " + g.budget()
                    + " (best " + Fmt.fixed(100 * r.bestAccuracy(), 1) + "%)" + (r.diverged() ? ", diverged" : ""),
                (System.nanoTime() - started) / 1e9));
            return r;
          }));
        }
      }
      for (int i = 0; i < futures.size(); i++) {
        runs[i / nDelay][i % nDelay] = futures.get(i).get();
      }
    } finally {
      pool.shutdownNow();
    }
    return judge(g, runs, o, arch);
  }

  /** What one (optimizer, s) run measured. */
  record Run(int batchesTo, double bestAccuracy, double lastAccuracy, boolean diverged, double[] evalAt, double[] accuracy,
      int batchesRun) {}

  static Run runOne(Problem problem, Opt opt, int s, Grid g, Dataset evalSet, ImageData images, int[] hidden) {
    Classifier evaluator = new Mlp(images.pixels(), hidden, images.classes());
    AccuracyProbe probe = new AccuracyProbe(evaluator, evalSet, g.every(), TARGET);
    SimulationConfig c = SimulationConfig.of(problem, opt.config(), "uniform:" + s, g.budget(), g.seed(), 0);
    Trajectory tr = Simulator.run(c, probe);
    double best = probe.accuracy.stream().mapToDouble(Double::doubleValue).max().orElse(0);
    double last = probe.accuracy.isEmpty() ? 0 : probe.accuracy.get(probe.accuracy.size() - 1);
    return new Run(probe.reachedAt, best, last, tr.diverged(), probe.at.stream().mapToDouble(Integer::doubleValue).toArray(),
        probe.accuracy.stream().mapToDouble(Double::doubleValue).toArray(), tr.stepsRun());
  }

  /** Test accuracy on the evaluation subsample; done at the first observation at or above the target. */
  static final class AccuracyProbe implements Probe {
    private final Classifier model;
    private final Dataset data;
    private final int every;
    private final double target;
    final List<Integer> at = new ArrayList<>();
    final List<Double> accuracy = new ArrayList<>();
    int reachedAt = -1;

    AccuracyProbe(Classifier model, Dataset data, int every, double target) {
      this.model = model;
      this.data = data;
      this.every = every;
      this.target = target;
    }

    @Override
    public int every() {
      return every;
    }

    @Override
    public double observe(int t, float[] params) {
      var e = model.evaluate(params, data);
      at.add(t);
      accuracy.add(e.accuracy());
      if (reachedAt < 0 && e.accuracy() >= target) {
        reachedAt = t;
      }
      return e.loss();
    }

    @Override
    public boolean done() {
      return reachedAt >= 0;
    }
  }

  /** A fixed seeded sample of {@code n} examples of {@code d} (all of them if it has fewer). */
  static Dataset subsample(Dataset d, int n, long seed) {
    int size = Math.min(n, d.size());
    int[] idx = new int[d.size()];
    for (int i = 0; i < idx.length; i++) {
      idx[i] = i;
    }
    SplittableRandom rng = new SplittableRandom(seed);
    for (int i = 0; i < size; i++) { // partial Fisher-Yates: the first `size` entries are the sample
      int j = i + rng.nextInt(idx.length - i);
      int t = idx[i];
      idx[i] = idx[j];
      idx[j] = t;
    }
    float[] in = new float[size * d.inputDim()];
    float[] tg = new float[size * d.targetDim()];
    for (int i = 0; i < size; i++) {
      System.arraycopy(d.inputs(), idx[i] * d.inputDim(), in, i * d.inputDim(), d.inputDim());
      System.arraycopy(d.targets(), idx[i] * d.targetDim(), tg, i * d.targetDim(), d.targetDim());
    }
    return new Dataset(d.name() + "-sample" + size, size, d.inputDim(), d.targetDim(), in, tg);
  }

  /** Batches to target as a number, +inf when not reached. */
  private static double b(Run r) {
    return r.batchesTo() >= 0 ? r.batchesTo() : Double.POSITIVE_INFINITY;
  }

  private static String show(Run r, int budget) {
    return r.batchesTo() >= 0 ? Integer.toString(r.batchesTo()) : "not reached (>" + budget + ")";
  }

  private static String ratio(double v) {
    return Double.isFinite(v) ? Fmt.fixed(v, 2) + "x" : "inf (not reached)";
  }

  Outcome judge(Grid g, Run[][] runs, ExperimentOptions o, String arch) throws Exception {
    List<Integer> delays = g.delays();
    int nDelay = delays.size();
    int last = nDelay - 1;
    List<Map<String, Object>> table = new ArrayList<>();
    StringBuilder csv = new StringBuilder("optimizer,lr,momentum,delay,batches_to_target,reached,best_accuracy,final_accuracy,"
        + "batches_run,diverged\n");
    for (int i = 0; i < g.optimizers().size(); i++) {
      Opt opt = g.optimizers().get(i);
      for (int d = 0; d < nDelay; d++) {
        Run r = runs[i][d];
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("optimizer", opt.name());
        row.put("lr", opt.config().lr());
        row.put("delay", "uniform:" + delays.get(d));
        row.put("batches_to_80pct", r.batchesTo() >= 0 ? (Object) r.batchesTo() : (Object) "not reached");
        if (b(runs[i][0]) > 0 && Double.isFinite(b(runs[i][0]))) {
          io.impetus.json.FiniteJson.put(row, "slowdown_vs_s0", b(r) / b(runs[i][0]), "80% not reached at this delay");
        } else {
          io.impetus.json.FiniteJson.put(row, "slowdown_vs_s0", Double.NaN, "80% not reached without delay");
        }
        row.put("best_test_accuracy", r.bestAccuracy());
        row.put("batches_run", r.batchesRun());
        row.put("diverged", r.diverged() ? "yes" : "no");
        table.add(row);
        csv.append(CsvTable.line(opt.name(), Fmt.num(opt.config().lr()),
            Fmt.num(opt.config().kind() == OptimizerKind.SGD ? opt.config().momentum() : opt.config().beta1()),
            delays.get(d), r.batchesTo() >= 0 ? r.batchesTo() : "", r.batchesTo() >= 0, Fmt.fixed(r.bestAccuracy(), 4),
            Fmt.fixed(r.lastAccuracy(), 4), r.batchesRun(), r.diverged())).append('\n');
      }
    }
    // Not results.csv: the report reads that name as a sweep's per-cell table.
    o.out().writeText("batches-to-80.csv", csv.toString());
    plots(g, runs, o, arch);

    List<String> evidence = new ArrayList<>();
    // 1. Growth with s, per optimizer.
    boolean allGrow = true;
    for (int i = 0; i < g.optimizers().size(); i++) {
      StringBuilder line = new StringBuilder(g.optimizers().get(i).name() + " (lr " + Fmt.num(g.optimizers().get(i).config().lr())
          + "): batches to 80% by s:");
      boolean monotone = true;
      for (int d = 0; d < nDelay; d++) {
        line.append(" s=").append(delays.get(d)).append(": ").append(show(runs[i][d], g.budget()));
        if (d > 0) {
          double prev = b(runs[i][d - 1]);
          double tol = Math.max(g.every(), 0.1 * prev);
          double cur = b(runs[i][d]);
          // After "not reached" only "not reached" keeps the order (inf - tol is not a bound).
          monotone &= Double.isFinite(prev) ? cur >= prev - tol : !Double.isFinite(cur);
        }
      }
      boolean reached0 = runs[i][0].batchesTo() >= 0;
      boolean grows = reached0 && b(runs[i][last]) > b(runs[i][0]);
      boolean ok = reached0 && monotone && grows;
      allGrow &= ok;
      line.append(" -> ").append(!reached0 ? "did NOT reach 80% even without staleness"
          : ok ? "grows with s" : !monotone ? "NOT non-decreasing within tolerance" : "NOT larger at s=" + delays.get(last));
      evidence.add(line.toString());
    }
    // 2. Relative slowdown at the largest s where plain SGD still reached the target.
    int sgd = 0;
    int at = last;
    while (at > 0 && runs[sgd][at].batchesTo() < 0) {
      at--;
    }
    boolean momentumWorse = at > 0;
    StringBuilder slow = new StringBuilder("slowdown b(s)/b(0) at s=" + delays.get(at)
        + " (largest s where plain SGD reached 80%):");
    double sgdRatio = ratioAt(runs[sgd], at);
    for (int i = 0; i < g.optimizers().size(); i++) {
      double r = ratioAt(runs[i], at);
      slow.append(' ').append(g.optimizers().get(i).name()).append(' ').append(ratio(r));
      if (i != sgd) {
        momentumWorse &= r > sgdRatio;
      }
    }
    slow.append(runs[sgd][0].batchesTo() < 0 ? " -> plain SGD did not reach 80% even at s=0, no comparison possible"
        : at == 0 ? " -> plain SGD reached 80% only at s=0, no comparison possible"
        : momentumWorse ? " -> momentum SGD and Adam slow down more than plain SGD"
        : " -> momentum methods do NOT both slow down more than plain SGD");
    evidence.add(slow.toString());
    evidence.add("tolerance: batches to 80% may fall by max(" + g.every() + " batches (evaluation interval), 10%) from one s "
        + "to the next; " + "one seed (" + g.seed() + "), MLP " + arch + ", batch " + BATCH + ", budget " + g.budget()
        + " batches, test accuracy on " + g.evalSize() + " test images every " + g.every() + " batches");
    return new Outcome(allGrow && momentumWorse, evidence, table);
  }

  /** b(s)/b(0); +inf when s was not reached but s = 0 was; NaN when s = 0 was not reached. */
  private static double ratioAt(Run[] byDelay, int d) {
    double b0 = b(byDelay[0]);
    if (!Double.isFinite(b0) || b0 <= 0) {
      return Double.NaN;
    }
    return b(byDelay[d]) / b0;
  }

  private void plots(Grid g, Run[][] runs, ExperimentOptions o, String arch) throws Exception {
    List<Plots.Line> lines = new ArrayList<>();
    double[] s = g.delays().stream().mapToDouble(Integer::doubleValue).toArray();
    for (int i = 0; i < g.optimizers().size(); i++) {
      double[] y = new double[s.length];
      for (int d = 0; d < s.length; d++) {
        y[d] = b(runs[i][d]);
      }
      lines.add(new Plots.Line(g.optimizers().get(i).name(), s, y));
    }
    Plots.lines(o.out().resolve("batches-to-80.png"), "Fashion-MNIST MLP " + arch + ": batches to 80% test accuracy "
        + "(missing point = not reached in " + g.budget() + ")", "uniform delay bound s", "batches", lines, false);
    List<Plots.Line> curves = new ArrayList<>();
    for (int i = 0; i < g.optimizers().size(); i++) {
      for (int d = 0; d < s.length; d++) {
        curves.add(new Plots.Line(g.optimizers().get(i).name() + " s=" + g.delays().get(d), runs[i][d].evalAt(),
            runs[i][d].accuracy()));
      }
    }
    Plots.lines(o.out().resolve("test-accuracy.png"), "Test accuracy (" + g.evalSize() + " images) until 80% or the budget",
        "batch", "test accuracy", curves, false);
  }
}
