package io.impetus.bench.scaleout;

import io.impetus.bench.Harness;
import io.impetus.bench.scaleout.ScaleoutRun.TrainingSystem;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The runs of one link rate arranged as the report shows them: a row per worker count N, a column per
 * Impetus shard count S, and PyTorch's server beside. A cell is the median samples/s of its runs
 * (the script runs each setting once, but a CSV may hold several rounds): {@link #ABSENT} when no run
 * has that setting, NaN when every run of it failed.
 */
public final class ScaleoutGrid {
  /** A cell without runs. */
  public static final double ABSENT = Double.NEGATIVE_INFINITY;

  private final String linkRate;
  private final List<Integer> shards;
  private final List<Integer> workers;
  private final Map<Integer, Map<Integer, Double>> impetusByShards;
  private final Map<Integer, Double> pytorch;

  private ScaleoutGrid(String linkRate, List<Integer> shards, List<Integer> workers,
      Map<Integer, Map<Integer, Double>> impetusByShards, Map<Integer, Double> pytorch) {
    this.linkRate = linkRate;
    this.shards = shards;
    this.workers = workers;
    this.impetusByShards = impetusByShards;
    this.pytorch = pytorch;
  }

  /** One grid per link rate, in the order the rates first appear in {@code runs}. */
  public static List<ScaleoutGrid> byLinkRate(List<ScaleoutRun> runs) {
    Map<String, List<ScaleoutRun>> byRate = new LinkedHashMap<>();
    for (ScaleoutRun run : runs) {
      byRate.computeIfAbsent(run.linkRate(), r -> new ArrayList<>()).add(run);
    }
    List<ScaleoutGrid> grids = new ArrayList<>();
    byRate.forEach((rate, ofRate) -> grids.add(of(rate, ofRate)));
    return grids;
  }

  private static ScaleoutGrid of(String linkRate, List<ScaleoutRun> runs) {
    TreeSet<Integer> shards = new TreeSet<>();
    TreeSet<Integer> workers = new TreeSet<>();
    Map<Integer, Map<Integer, List<Double>>> impetus = new TreeMap<>();
    Map<Integer, List<Double>> pytorch = new TreeMap<>();
    for (ScaleoutRun run : runs) {
      workers.add(run.workers());
      if (run.system() == TrainingSystem.IMPETUS) {
        shards.add(run.shards());
        impetus.computeIfAbsent(run.shards(), s -> new TreeMap<>())
            .computeIfAbsent(run.workers(), n -> new ArrayList<>()).add(run.samplesPerSecond());
      } else {
        pytorch.computeIfAbsent(run.workers(), n -> new ArrayList<>()).add(run.samplesPerSecond());
      }
    }
    Map<Integer, Map<Integer, Double>> impetusMedians = new TreeMap<>();
    impetus.forEach((s, byN) -> impetusMedians.put(s, medians(byN)));
    return new ScaleoutGrid(linkRate, List.copyOf(shards), List.copyOf(workers), impetusMedians, medians(pytorch));
  }

  private static Map<Integer, Double> medians(Map<Integer, List<Double>> byWorkers) {
    Map<Integer, Double> out = new TreeMap<>();
    byWorkers.forEach((n, values) -> out.put(n, median(values)));
    return out;
  }

  /** The median of the finite values (failed runs left out); NaN when none is finite. */
  static double median(List<Double> values) {
    double[] finite = values.stream().mapToDouble(Double::doubleValue).filter(Double::isFinite).toArray();
    return finite.length == 0 ? Double.NaN : Harness.median(finite);
  }

  /** The link rate of every run in this grid. */
  public String linkRate() {
    return linkRate;
  }

  /** Impetus's shard counts S, ascending. */
  public List<Integer> shards() {
    return shards;
  }

  /** The worker counts N of any system, ascending. */
  public List<Integer> workers() {
    return workers;
  }

  /** Whether any PyTorch run has this link rate. */
  public boolean hasPytorch() {
    return !pytorch.isEmpty();
  }

  /** Impetus with {@code s} shards and {@code n} workers: median samples/s, NaN (failed) or {@link #ABSENT}. */
  public double impetus(int s, int n) {
    return impetusByShards.getOrDefault(s, Map.of()).getOrDefault(n, ABSENT);
  }

  /** PyTorch's server with {@code n} trainers: median samples/s, NaN (failed) or {@link #ABSENT}. */
  public double pytorch(int n) {
    return pytorch.getOrDefault(n, ABSENT);
  }

  @Override
  public String toString() {
    return "ScaleoutGrid[" + linkRate + ", S=" + shards + ", N=" + workers + ", impetus=" + impetusByShards
        + ", pytorch=" + pytorch + "]";
  }
}
