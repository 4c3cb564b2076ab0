package io.impetus.model;

import java.util.SplittableRandom;

/**
 * PyTorch's default initialization of {@code torch.nn.Linear} and {@code torch.nn.Conv2d}: weight
 * and bias both uniform on [-1/sqrt(fan_in), 1/sqrt(fan_in)), where fan_in is the number of inputs
 * of one output unit (in_features, or in_channels·kh·kw for a convolution). (For the weight this is
 * kaiming_uniform_ with a = sqrt(5), whose bound gain·sqrt(3/fan_in) simplifies to the same
 * 1/sqrt(fan_in).) The generator is ours, so values match torch's in distribution, not bit for bit.
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

  /**
   * A layer stored as {@code out·fanIn} weights followed by {@code out} biases from {@code offset}
   * (nn.Linear(fanIn, out), or nn.Conv2d with fanIn = in_channels·k·k): both drawn from
   * U(-1/sqrt(fanIn), 1/sqrt(fanIn)), weights first.
   */
  static void linear(float[] params, long offset, int out, int fanIn, SplittableRandom rng) {
    long weights = (long) out * fanIn;
    linearUniform(params, offset, weights, fanIn, rng);
    linearUniform(params, offset + weights, out, fanIn, rng);
  }
}
