package io.impetus.study.delay;

import java.util.SplittableRandom;

/**
 * Draws the staleness of each simulated gradient: how many updates old the parameters were at which
 * it was computed.
 *
 * <p>Contract: {@link #next} returns a value in {@code [0, maxDelay()]}, uses no randomness but
 * {@code rng}'s (so a seeded generator gives the same sequence every time) and allocates nothing. A
 * scheduler may keep a position (a replayed trace), so each run parses its own from the spec, as
 * the simulator does. The simulator clips the draw to the number of updates applied so far, which
 * is what a real run does in its first updates: parameters older than the start are the start.
 */
public interface DelayScheduler {

  /** The staleness of the next gradient. */
  int next(SplittableRandom rng);

  /** The largest value {@link #next} can return; the simulator keeps this many old parameter vectors. */
  int maxDelay();

  /** The mean staleness before clipping, for summaries and for theory. */
  double mean();

  /** The spec that parses back to this scheduler, e.g. {@code geometric:8}. */
  String spec();
}
