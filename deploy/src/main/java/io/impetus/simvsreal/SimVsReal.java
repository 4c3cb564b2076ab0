package io.impetus.simvsreal;

import io.impetus.data.DataFileException;
import io.impetus.data.ImageData;
import io.impetus.data.ImageDatasets;
import io.impetus.local.FinalEvaluation;
import io.impetus.model.DataOptions;
import io.impetus.model.Mlp;
import io.impetus.model.ModelCatalog;
import io.impetus.model.Workload;
import io.impetus.study.experiments.Experiment;
import io.impetus.study.experiments.ExperimentOptions;
import io.impetus.study.experiments.Outcome;
import io.impetus.study.simulate.Fmt;
import io.impetus.study.simulate.Problem;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

/**
 * {@code sim-vs-real}: does the simulator predict real asynchronous runs from their measured
 * staleness? Each {@link Setting} is trained for real by {@code impetus local} (async, one shard, N
 * workers), which records the staleness of every applied update; then the {@link io.impetus.study.simulate.Simulator}
 * trains the same model with the same optimizer, hyperparameters, seed and number of updates twice:
 * with delays drawn i.i.d. from the run's staleness histogram ({@code histogram:summary.json}) and
 * with the run's sequence of staleness replayed in order ({@code trace:staleness.csv}).
 *
 * <p>Both sides are judged by one definition of the loss: the final parameters' loss on the whole
 * training set (the same {@link io.impetus.local.FinalEvaluation} code), and along the way the
 * minibatch loss of every update (at the parameters its gradient was computed from, which is what
 * a real worker can report) averaged over {@value #WINDOWS} windows of equal length. A run diverged
 * when its final loss is not finite or above the initial parameters' ({@link LossCurve#diverged}). The claim holds
 * when every setting, with either delay model, has its final loss and every window mean within
 * {@value #TOLERANCE} in log10 (a factor of 2) of the real run's, and agrees on divergence.
 *
 * <p>The real and simulated runs share the initial parameters (the same seed) but not the order of
 * the minibatches: each real worker draws from its own part of the data, the simulator from all of
 * it. The grid: mlp-x2 and, where Fashion-MNIST is installed, the {@code mlp}; N ∈ {1, 2, 4, 8}; SGD
 * momentum 0.9 and Adam. {@code --quick}: mlp-x2, N ∈ {1, 4}, SGD momentum only, 400 updates.
 */
public final class SimVsReal implements Experiment {
  /** Windows of the minibatch-loss curve. */
  static final int WINDOWS = 10;
  /** The largest |log10 simulated − log10 real| a loss may have. */
  static final double TOLERANCE = 0.3;
  /** The seed of the real runs and the simulations. */
  static final long SEED = 42;

  @Override
  public String name() {
    return "sim-vs-real";
  }

  @Override
  public String claim() {
    return "The simulator, replaying a real async run's staleness (drawn from its histogram, or its recorded sequence) "
        + "with the same model, optimizer, hyperparameters, seed and number of updates, predicts the real run: for "
        + "mlp-x2 (and the Fashion-MNIST MLP) with N in {1, 2, 4, 8} workers, SGD momentum 0.9 and Adam, the final "
        + "training loss and the minibatch loss averaged over each tenth of the run are within a factor of 2 "
        + "(|log10 sim - log10 real| <= " + TOLERANCE + ") of the real run's, and both diverge or neither does.";
  }

  @Override
  public String literature() {
    return "I. Mitliagkas, C. Zhang, S. Hadjis and C. Re, \"Asynchrony begets momentum, with an application to deep "
        + "learning\", Allerton 2016 (the queueing model of staleness); W. Dai, Y. Zhou, N. Dong, H. Zhang and E. P. Xing, "
        + "\"Toward understanding the impact of staleness in distributed machine learning\", ICLR 2019 (simulated "
        + "staleness as a stand-in for real asynchrony)";
  }

  /** The settings of one run of the experiment. */
  static List<Setting> grid(boolean quick, boolean withImages) {
    List<String> sgd = List.of("--optimizer", "sgd", "--momentum", "0.9", "--lr", "0.02");
    if (quick) {
      return List.of(new Setting("mlp-x2", 1, "sgd-momentum-0.9", sgd, 400, 32),
          new Setting("mlp-x2", 4, "sgd-momentum-0.9", sgd, 400, 32));
    }
    List<Setting> grid = new ArrayList<>();
    for (int n : new int[] {1, 2, 4, 8}) {
      grid.add(new Setting("mlp-x2", n, "sgd-momentum-0.9", sgd, 2000, 32));
      grid.add(new Setting("mlp-x2", n, "adam", List.of("--optimizer", "adam", "--lr", "0.01"), 2000, 32));
    }
    if (withImages) {
      for (int n : new int[] {1, 2, 4, 8}) {
        grid.add(new Setting("mlp", n, "sgd-momentum-0.9",
            List.of("--optimizer", "sgd", "--momentum", "0.9", "--lr", "0.01"), 1000, 64));
        grid.add(new Setting("mlp", n, "adam", List.of("--optimizer", "adam", "--lr", "0.001"), 1000, 64));
      }
    }
    return grid;
  }

  /** One setting's real run and its two replays. */
  record Cell(Setting setting, RealRun real, Replay histogram, Replay trace) {}

  @Override
  public Outcome run(ExperimentOptions o) throws Exception {
    List<String> notes = new ArrayList<>();
    ImageData images = null;
    if (!o.quick()) {
      try {
        images = ImageDatasets.load(ImageDatasets.FASHION_MNIST, o.dataDir());
      } catch (DataFileException missing) {
        notes.add("Fashion-MNIST MLP skipped: " + missing.getMessage());
        o.log().accept("skipping the Fashion-MNIST MLP: " + missing.getMessage());
      }
    }
    List<Setting> grid = grid(o.quick(), images != null);
    List<String> dataFlags = dataFlags(o);

    // The real runs one after the other: each uses the whole machine.
    List<RealRun> reals = new ArrayList<>();
    List<Problem> problems = new ArrayList<>();
    List<Double> initials = new ArrayList<>();
    for (Setting s : grid) {
      Path dir = o.out().resolve("real/" + s.fileName());
      long started = System.nanoTime();
      Problem problem = problem(s, images, o);
      problems.add(problem);
      initials.add(initialLoss(problem));
      RealRun real = RealRun.launch(s.localArgs(dir.toString(), SEED, s.model().equals("mlp") ? dataFlags : List.of()),
          dir, initials.get(initials.size() - 1));
      o.log().accept(String.format("real %-28s %d updates, mean staleness %s, final loss %s (%.1f s)", s.label(),
          real.updates(), Fmt.fixed(StalenessPattern.of(real.staleness(), null).mean(), 2), Fmt.num(real.finalLoss()),
          (System.nanoTime() - started) / 1e9));
      reals.add(real);
    }

    // The replays in parallel: the data is shared read-only, every simulation has its own model.
    List<Cell> cells = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(o.threads(), 2 * grid.size())));
    try {
      List<Future<Replay>> futures = new ArrayList<>();
      for (int i = 0; i < grid.size(); i++) {
        Problem problem = problems.get(i);
        double initial = initials.get(i);
        RealRun real = reals.get(i);
        for (String delay : List.of("histogram:" + real.dir().resolve("summary.json"),
            "trace:" + real.dir().resolve("staleness.csv"))) {
          futures.add(pool.submit(() -> Replay.run(problem, real.optimizer(), delay, real.updates(), SEED, initial)));
        }
      }
      for (int i = 0; i < grid.size(); i++) {
        cells.add(new Cell(grid.get(i), reals.get(i), futures.get(2 * i).get(), futures.get(2 * i + 1).get()));
      }
    } finally {
      pool.shutdownNow();
    }
    return new Verdict(cells, notes).judge(o);
  }

  /** The whole-training-set loss of the initial parameters from {@link #SEED}, as the real runs start too. */
  static double initialLoss(Problem problem) {
    Workload w = problem.create();
    float[] params = new float[Math.toIntExact(w.model().layout().numParams())];
    w.model().initialize(params, SEED);
    return FinalEvaluation.of(w, params).trainLoss();
  }

  /** The flags that point a real run at the image data the experiment was given. */
  private static List<String> dataFlags(ExperimentOptions o) {
    List<String> flags = new ArrayList<>();
    if (o.dataDir() != null) {
      flags.addAll(List.of("--data-dir", o.dataDir().toString()));
    }
    if (o.hidden() != null) {
      flags.addAll(List.of("--hidden", Arrays.stream(o.hidden()).mapToObj(Integer::toString).collect(Collectors.joining(","))));
    }
    return flags;
  }

  /** The simulator's problem for {@code s}: the catalog model, or the MLP over the images loaded once. */
  private static Problem problem(Setting s, ImageData images, ExperimentOptions o) {
    if (!s.model().equals("mlp")) {
      return Problem.of(s.model(), s.batchSize(), () -> ModelCatalog.create(s.model()));
    }
    int[] hidden = o.hidden() != null ? o.hidden() : DataOptions.defaults().hidden();
    return Problem.of("mlp on " + images.name(), s.batchSize(),
        () -> new Workload(new Mlp(images.pixels(), hidden, images.classes()), images.train(), images.test()));
  }
}
