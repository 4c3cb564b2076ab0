package io.impetus.study.sweep;

import io.impetus.optim.OptimizerKind;
import io.impetus.study.simulate.SimulationConfig;
import io.impetus.study.simulate.Simulator;
import io.impetus.study.simulate.Trajectory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;

/**
 * Runs every cell of a {@link SweepConfig} on a pool of threads. Each cell is an independent,
 * seeded simulation with its own model instance, so the results are the same whatever the thread
 * count or scheduling, and come back in cell order.
 */
public final class Sweep {
  /** Points kept of each loss curve for the plots. */
  static final int CURVE_POINTS = 200;

  private Sweep() {}

  /** The cells in a fixed order: policy, optimizer, lr, delay, momentum, then seed fastest. */
  public static List<Cell> cells(SweepConfig c) {
    List<Cell> cells = new ArrayList<>();
    for (int p = 0; p < c.policies().size(); p++) {
      for (OptimizerKind kind : c.optimizers()) {
        for (double lr : c.lrs()) {
          for (int d = 0; d < c.delays().size(); d++) {
            for (double m : c.momenta()) {
              for (long seed : c.seeds()) {
                cells.add(new Cell(cells.size(), kind, lr, d, m, seed, p));
              }
            }
          }
        }
      }
    }
    return cells;
  }

  /** Runs one cell. */
  public static CellResult runCell(SweepConfig c, Cell cell) {
    SimulationConfig sim = SimulationConfig.of(c.problem(), c.optimizer(cell.optimizer(), cell.lr(), cell.momentum()),
        c.delays().get(cell.delayIndex()), c.steps(), cell.seed(), c.noise()).withPolicy(c.policies().get(cell.policyIndex()));
    Trajectory tr = Simulator.run(sim);
    int points = Math.min(CURVE_POINTS, c.steps() + 1);
    double[] curve = new double[points];
    double[] at = new double[points];
    for (int i = 0; i < points; i++) {
      int t = (int) Math.round((double) i * c.steps() / Math.max(1, points - 1));
      at[i] = t;
      curve[i] = t <= tr.stepsRun() ? tr.loss()[t] : Double.POSITIVE_INFINITY;
    }
    return new CellResult(cell, tr.stepsTo(c.target()), tr.diverged() ? Double.POSITIVE_INFINITY : tr.finalLoss(),
        tr.tailLoss(0.1), tr.diverged(), curve, at, tr.dropped());
  }

  /** Runs every cell on {@code c.threads()} threads; {@code progress} hears each finished cell's index. */
  public static List<CellResult> run(SweepConfig c, IntConsumer progress) throws InterruptedException {
    List<Cell> cells = cells(c);
    ExecutorService pool = Executors.newFixedThreadPool(c.threads(), r -> {
      Thread t = new Thread(r, "sweep");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<CellResult>> futures = new ArrayList<>();
      for (Cell cell : cells) {
        futures.add(pool.submit(() -> {
          CellResult r = runCell(c, cell);
          progress.accept(cell.index());
          return r;
        }));
      }
      List<CellResult> results = new ArrayList<>();
      for (Future<CellResult> f : futures) {
        try {
          results.add(f.get());
        } catch (ExecutionException e) {
          throw new IllegalStateException("a sweep cell failed: " + e.getCause().getMessage(), e.getCause());
        }
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }
}
