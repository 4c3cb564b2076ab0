package io.impetus.study.simulate;

import io.impetus.optim.OptimizerConfig;
import io.impetus.optim.OptimizerKind;
import io.impetus.staleness.MomentumCompensation;
import io.impetus.staleness.StalenessPolicy;
import java.util.Objects;

/**
 * One simulated asynchronous run.
 *
 * @param problem what is trained
 * @param optimizer the shard's optimizer, exactly as {@code impetus server} would build it
 * @param delay the delay spec ({@code fixed:τ}, {@code uniform:s}, {@code geometric:M},
 *     {@code round-robin:M}, {@code histogram:FILE}, {@code trace:FILE[@shard=N]}; see {@link
 *     io.impetus.study.delay.Delays})
 * @param steps updates to apply
 * @param seed seeds the delays, the gradient noise and the minibatch order
 * @param noise standard deviation of the Gaussian noise added to every gradient coordinate (0: exact)
 * @param primedMomentum start the momentum buffer at the gradient of the start point, as if the run
 *     had been sitting there forever (the steady history the delayed gradients of the first updates
 *     see); off for ordinary runs, where the buffer starts as the optimizer makes it
 * @param recordIterates keep every iterate (memory: steps × parameters floats), for averaging
 *     trajectories over seeds
 * @param stalenessPolicy the shard's staleness policy, as {@code --staleness-policy} takes it
 *     ({@code none}, {@code lr-divide}, {@code drop:K}, {@code dc-asgd:LAMBDA},
 *     {@code momentum-compensation[:MU_MIN]})
 */
public record SimulationConfig(
    Problem problem,
    OptimizerConfig optimizer,
    String delay,
    int steps,
    long seed,
    double noise,
    boolean primedMomentum,
    boolean recordIterates,
    String stalenessPolicy) {

  /** Validates ranges and the policy spec. */
  public SimulationConfig {
    Objects.requireNonNull(problem, "problem");
    Objects.requireNonNull(stalenessPolicy, "stalenessPolicy");
    if (StalenessPolicy.parse(stalenessPolicy) instanceof MomentumCompensation
        && (optimizer.kind() != OptimizerKind.SGD || optimizer.momentum() <= 0)) {
      throw new IllegalArgumentException("momentum-compensation needs sgd with momentum > 0");
    }
    Objects.requireNonNull(optimizer, "optimizer");
    Objects.requireNonNull(delay, "delay");
    if (steps < 1) {
      throw new IllegalArgumentException("--steps must be >= 1, got " + steps);
    }
    if (!(noise >= 0) || !Double.isFinite(noise)) {
      throw new IllegalArgumentException("--noise must be a finite number >= 0, got " + noise);
    }
  }

  /** A run with staleness policy {@code none}. */
  public SimulationConfig(Problem problem, OptimizerConfig optimizer, String delay, int steps, long seed, double noise,
      boolean primedMomentum, boolean recordIterates) {
    this(problem, optimizer, delay, steps, seed, noise, primedMomentum, recordIterates, "none");
  }

  /** A plain run: no priming, no iterate recording, policy {@code none}. */
  public static SimulationConfig of(Problem problem, OptimizerConfig optimizer, String delay, int steps, long seed, double noise) {
    return new SimulationConfig(problem, optimizer, delay, steps, seed, noise, false, false);
  }

  /** A copy with another seed. */
  public SimulationConfig withSeed(long newSeed) {
    return new SimulationConfig(problem, optimizer, delay, steps, newSeed, noise, primedMomentum, recordIterates, stalenessPolicy);
  }

  /** A copy with another optimizer. */
  public SimulationConfig withOptimizer(OptimizerConfig newOptimizer) {
    return new SimulationConfig(problem, newOptimizer, delay, steps, seed, noise, primedMomentum, recordIterates, stalenessPolicy);
  }

  /** A copy with another delay spec. */
  public SimulationConfig withDelay(String newDelay) {
    return new SimulationConfig(problem, optimizer, newDelay, steps, seed, noise, primedMomentum, recordIterates, stalenessPolicy);
  }

  /** A copy with another staleness policy. */
  public SimulationConfig withPolicy(String newPolicy) {
    return new SimulationConfig(problem, optimizer, delay, steps, seed, noise, primedMomentum, recordIterates, newPolicy);
  }

  /** The parsed staleness policy. */
  public StalenessPolicy policy() {
    return StalenessPolicy.parse(stalenessPolicy);
  }

  /** A copy that primes the momentum buffer and records iterates as asked. */
  public SimulationConfig with(boolean prime, boolean record) {
    return new SimulationConfig(problem, optimizer, delay, steps, seed, noise, prime, record, stalenessPolicy);
  }
}
