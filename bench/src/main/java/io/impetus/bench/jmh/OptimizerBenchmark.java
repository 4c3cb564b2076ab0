package io.impetus.bench.jmh;

import io.impetus.bench.OptimizerCase;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** Optimizer step over P floats; {@code baseline} is {@code p[i] += g[i]} over the same arrays. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class OptimizerBenchmark {
  @Param({"10000", "235146", "1000000"})
  public int p;

  @Param({"sgd", "adam"})
  public String optimizer;

  private OptimizerCase c;

  @Setup(Level.Trial)
  public void setup() {
    c = new OptimizerCase(optimizer, p);
  }

  @Benchmark
  public long step() {
    c.subject();
    return c.sink();
  }

  @Benchmark
  public long baseline() {
    c.baseline();
    return c.sink();
  }
}
