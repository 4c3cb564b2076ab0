package io.impetus.bench.jmh;

import io.impetus.bench.CodecCase;
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

/** FloatCodec encode and decode of P floats; {@code baseline} is System.arraycopy of the same 4P bytes. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class CodecBenchmark {
  @Param({"10000", "235146", "1000000"})
  public int p;

  private CodecCase encode;
  private CodecCase decode;

  @Setup(Level.Trial)
  public void setup() {
    encode = new CodecCase(true, p);
    decode = new CodecCase(false, p);
  }

  @Benchmark
  public long encode() {
    encode.subject();
    return encode.sink();
  }

  @Benchmark
  public long decode() {
    decode.subject();
    return decode.sink();
  }

  @Benchmark
  public long baseline() {
    encode.baseline();
    return encode.sink();
  }
}
