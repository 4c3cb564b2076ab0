package io.impetus.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The JIT setting {@code impetus local} gives its shard processes: HotSpot's optimizing compiler (C2)
 * compiles only Impetus's own code, and everything else (gRPC, Netty, protobuf, the JDK's libraries)
 * stays with the quick compiler (C1).
 *
 * <p>Why: a shard's hot arithmetic is ours (the optimizer pass over the slice, the copy of a pushed
 * gradient with its NaN/Inf check) and needs C2, which vectorizes it (C1-compiled, the optimizer pass is
 * about 15 times slower). But in a run of a few seconds, C2 compiling the gRPC and Netty code that
 * carries one small message per push took about 40% of the shard's CPU, on cores the workers need;
 * C1's code for it is good enough for one message per step. Measured with the Fashion-MNIST MLP, one
 * shard, 2 and 4 workers on 2 cores: shard CPU per step 1.29 to 1.55 ms with the default JIT, 1.00 to
 * 1.29 ms with this one.
 *
 * <p>The mechanism is a HotSpot compiler-directives file (JEP 165) written into the run folder: the
 * first directive whose pattern matches a method applies, so Impetus's packages (and netlib's BLAS,
 * in case a shard ever runs model code) keep C2 and every other method is excluded from C2, which makes
 * HotSpot compile it with C1 at full speed instead. {@code IMPETUS_SHARD_JAVA_OPTS} replaces this default.
 */
final class ShardJit {
  /** File name of the directives, in the run's {@code logs/} folder. */
  static final String FILE = "shard-jit-directives.json";

  /** The directives: C2 for {@code io.impetus} and netlib's BLAS, C1 only for everything else. */
  static final String DIRECTIVES = String.join("\n",
      "[",
      "  { match: [\"io/impetus/*.*\", \"dev/ludovic/netlib/*.*\"], c2: { Exclude: false } },",
      "  { match: \"*.*\", c2: { Exclude: true } }",
      "]",
      "");

  private ShardJit() {}

  /**
   * Writes the directives file into {@code folder} (created if missing) and returns the JVM options
   * that load it.
   */
  static List<String> options(Path folder) throws IOException {
    Files.createDirectories(folder);
    Path file = folder.resolve(FILE);
    Files.writeString(file, DIRECTIVES, StandardCharsets.UTF_8);
    return List.of("-XX:+UnlockDiagnosticVMOptions", "-XX:CompilerDirectivesFile=" + file.toAbsolutePath());
  }
}
