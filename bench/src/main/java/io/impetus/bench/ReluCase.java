package io.impetus.bench;

import io.impetus.model.Relu;
import java.util.SplittableRandom;

/**
 * The rectifier's branch-free passes ({@link Relu}) against the plain loops they replace, over one
 * MLP layer's activations at batch 64 (64 × 256 floats, half of them negative). Which one wins
 * depends on the JIT: run it once as is (C2) and once with {@code IMPETUS_JAVA_OPTS=-XX:TieredStopAtLevel=1}
 * (C1 only, as {@code impetus local} runs the MLP's workers).
 */
public final class ReluCase implements BenchCase {
  /** Activations of one 256-wide layer at batch 64. */
  public static final int SIZE = 64 * 256;

  private final boolean forward;
  private final float[] source = new float[SIZE];
  private final float[] values = new float[SIZE];
  private final float[] output = new float[SIZE];

  /** {@code forward}: the forward pass (masks vs Math.max), else the backward pass (masks vs a float select). */
  public ReluCase(boolean forward) {
    this.forward = forward;
    SplittableRandom random = new SplittableRandom(5);
    for (int i = 0; i < SIZE; i++) {
      source[i] = (float) random.nextGaussian();
      output[i] = Math.max(source[i], 0f);
    }
  }

  @Override
  public String name() {
    return "relu " + (forward ? "forward" : "backward") + " by masks n=" + SIZE;
  }

  @Override
  public String baselineName() {
    return forward ? "Math.max(v, 0) loop" : "out > 0 ? g : 0 loop";
  }

  @Override
  public void subject() {
    System.arraycopy(source, 0, values, 0, SIZE);
    if (forward) {
      Relu.forwardByMasks(values, SIZE);
    } else {
      Relu.backwardInPlace(values, output, SIZE);
    }
  }

  @Override
  public void baseline() {
    System.arraycopy(source, 0, values, 0, SIZE);
    if (forward) {
      Relu.forwardByMax(values, SIZE);
    } else {
      float[] g = values;
      float[] out = output;
      for (int i = 0; i < SIZE; i++) {
        g[i] = out[i] > 0f ? g[i] : 0f;
      }
    }
  }

  @Override
  public long sink() {
    return Float.floatToRawIntBits(values[SIZE / 2]);
  }
}
