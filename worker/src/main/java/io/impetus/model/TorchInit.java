package io.impetus.model;

import java.util.SplittableRandom;

/**
 * PyTorch's default initialization of {@code torch.nn.Linear}: weight and bias both uniform on
 * [-1/sqrt(fan_in), 1/sqrt(fan_in)). (For the weight this is kaiming_uniform_ with a = sqrt(5),
 * whose bound gain·sqrt(3/fan_in) simplifies to the same 1/sqrt(fan_in).) The generator is ours, so
 * values match torch's in distribution, not bit for bit.
 */
final class TorchInit {
  private TorchInit() {}

  /** Fills {@code count} values of {@code params} from {@code offset} with U(-1/sqrt(fanIn), 1/sqrt(fanIn)). */
  static void linearUniform(float[] params, long offset, long count, int fanIn, SplittableRandom rng) {
    double bound = 1.0 / Math.sqrt(fanIn);
    int from = Math.toIntExact(offset);
    int to = Math.toIntExact(offset + count);
    for (int i = from; i < to; i++) {
      params[i] = (float) rng.nextDouble(-bound, bound);
    }
  }
}
