package io.impetus.study.sweep;

import io.impetus.optim.OptimizerKind;

/**
 * One grid point of a sweep and its seed; indices refer to the axes of the {@link SweepConfig}.
 *
 * @param index position in the sweep's cell order (seed varies fastest)
 * @param optimizer optimizer kind
 * @param lr learning rate
 * @param delayIndex index into {@link SweepConfig#delays()}
 * @param momentum momentum factor
 * @param seed the seed
 * @param policyIndex index into {@link SweepConfig#policies()}
 */
public record Cell(int index, OptimizerKind optimizer, double lr, int delayIndex, double momentum, long seed, int policyIndex) {}
