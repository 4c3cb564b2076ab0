package io.impetus.bench.jmh;

import io.impetus.bench.RoundTripCase;
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
import org.openjdk.jmh.annotations.TearDown;

/**
 * gRPC push-pull of a P-float slice to a Netty shard in this JVM on loopback; {@code baseline} is a
 * raw TCP loopback exchange of the same bytes (see {@link RoundTripCase}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class RoundTripBenchmark {
  @Param({"10000", "235146", "1000000"})
  public int p;

  private RoundTripCase c;

  @Setup(Level.Trial)
  public void setup() throws Exception {
    c = new RoundTripCase(p);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    c.close();
  }

  @Benchmark
  public long pushPull() throws Exception {
    c.subject();
    return c.sink();
  }

  @Benchmark
  public long baseline() throws Exception {
    c.baseline();
    return c.sink();
  }
}
