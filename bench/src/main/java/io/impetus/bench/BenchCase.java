package io.impetus.bench;

/**
 * One measured operation and the baseline it is compared with, over the same data. Both are run by
 * JMH (the classes in {@code io.impetus.bench.jmh}) and by {@link Harness} ({@code impetus bench}).
 */
public interface BenchCase extends AutoCloseable {

  /** Short name, e.g. {@code sgd-momentum P=235146}. */
  String name();

  /** What the baseline does, e.g. {@code p[i] += g[i]}. */
  String baselineName();

  /** One run of the operation under test. */
  void subject() throws Exception;

  /** One run of the baseline. */
  void baseline() throws Exception;

  /** A value that depends on the results, so nothing is optimized away. */
  default long sink() {
    return 0;
  }

  @Override
  default void close() throws Exception {}
}
