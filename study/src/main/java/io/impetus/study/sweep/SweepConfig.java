package io.impetus.study.sweep;

import io.impetus.optim.LrSchedule;
import io.impetus.optim.MomentumStyle;
import io.impetus.optim.OptimizerConfig;
import io.impetus.optim.OptimizerKind;
import io.impetus.staleness.MomentumCompensation;
import io.impetus.staleness.StalenessPolicy;
import io.impetus.study.delay.Delays;
import io.impetus.study.simulate.Problem;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code impetus study sweep}: a grid over momentum × delay × optimizer × lr × staleness policy × seed, every cell one
 * simulation of {@link #steps} updates.
 *
 * @param problem what every cell trains
 * @param momenta momentum factors (SGD's μ; Adam's β1)
 * @param delays delay specs, one grid axis
 * @param workers when the delay axis was given as worker counts M, those counts (same order as
 *     {@code delays}); empty otherwise
 * @param optimizers optimizer kinds
 * @param lrs learning rates
 * @param seeds seeds; every setting runs once per seed
 * @param steps updates per cell
 * @param noise gradient noise σ
 * @param target loss at which a cell counts as converged (steps to target)
 * @param style SGD momentum convention
 * @param threads worker threads (cells run in parallel)
 * @param policies staleness-policy specs ({@code none}, {@code lr-divide}, {@code drop:K},
 *     {@code dc-asgd:LAMBDA}, {@code momentum-compensation[:MU_MIN]}), one grid axis
 */
public record SweepConfig(
    Problem problem,
    List<Double> momenta,
    List<String> delays,
    List<Integer> workers,
    List<OptimizerKind> optimizers,
    List<Double> lrs,
    List<Long> seeds,
    int steps,
    double noise,
    double target,
    MomentumStyle style,
    int threads,
    List<String> policies) {

  /** Validates every axis (delays parse, momenta in range) before any cell runs. */
  public SweepConfig {
    momenta = List.copyOf(momenta);
    delays = List.copyOf(delays);
    workers = List.copyOf(workers);
    optimizers = List.copyOf(optimizers);
    lrs = List.copyOf(lrs);
    seeds = List.copyOf(seeds);
    policies = List.copyOf(policies);
    if (momenta.isEmpty() || delays.isEmpty() || optimizers.isEmpty() || lrs.isEmpty() || seeds.isEmpty() || policies.isEmpty()) {
      throw new IllegalArgumentException("every grid axis needs at least one value");
    }
    if (!workers.isEmpty() && workers.size() != delays.size()) {
      throw new IllegalArgumentException("workers and delays must pair up");
    }
    for (String d : delays) {
      Delays.parse(d);
    }
    for (String p : policies) {
      if (StalenessPolicy.parse(p) instanceof MomentumCompensation
          && (optimizers.stream().anyMatch(k -> k != OptimizerKind.SGD) || momenta.contains(0.0))) {
        throw new IllegalArgumentException("momentum-compensation needs sgd with momentum > 0: sweep it without adam/adamw "
            + "and without momentum 0");
      }
    }
    for (double m : momenta) {
      if (!(m >= 0 && m < 1)) {
        throw new IllegalArgumentException("--momenta must be in [0, 1), got " + m);
      }
    }
    if (steps < 1 || threads < 1) {
      throw new IllegalArgumentException("--steps and --threads must be >= 1");
    }
  }

  /** A sweep without a policy axis: every cell uses staleness policy {@code none}. */
  public SweepConfig(Problem problem, List<Double> momenta, List<String> delays, List<Integer> workers,
      List<OptimizerKind> optimizers, List<Double> lrs, List<Long> seeds, int steps, double noise, double target,
      MomentumStyle style, int threads) {
    this(problem, momenta, delays, workers, optimizers, lrs, seeds, steps, noise, target, style, threads, List.of("none"));
  }

  /** The delay specs for M workers: {@code <kind>:M} for each M ({@code geometric} or {@code round-robin}). */
  public static List<String> delaysForWorkers(String kind, List<Integer> workers) {
    List<String> out = new ArrayList<>();
    for (int m : workers) {
      out.add(kind + ":" + m);
    }
    return out;
  }

  /** The optimizer of one cell: momentum is SGD's μ (in {@link #style}) or Adam's β1. */
  public OptimizerConfig optimizer(OptimizerKind kind, double lr, double momentum) {
    OptimizerConfig d = OptimizerConfig.defaults(kind, lr);
    if (kind == OptimizerKind.SGD) {
      return new OptimizerConfig(kind, lr, momentum, 0, false, style, 0, d.beta1(), d.beta2(), d.eps(), false, LrSchedule.constant());
    }
    return new OptimizerConfig(kind, lr, 0, 0, false, d.momentumStyle(), d.weightDecay(), momentum, d.beta2(), d.eps(), false,
        LrSchedule.constant());
  }

  /** Whether the policy axis has more than {@code none} alone (file names and labels then name the policy). */
  public boolean hasPolicyAxis() {
    return policies.size() > 1 || !StalenessPolicy.parse(policies.get(0)).spec().equals("none");
  }

  /** The number of cells (simulations). */
  public int cells() {
    return momenta.size() * delays.size() * optimizers.size() * lrs.size() * seeds.size() * policies.size();
  }

  /** The label of delay axis entry {@code i}: {@code M=4} when given as workers, else the spec. */
  public String delayLabel(int i) {
    return workers.isEmpty() ? delays.get(i) : "M=" + workers.get(i);
  }
}
