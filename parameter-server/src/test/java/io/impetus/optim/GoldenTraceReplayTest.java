package io.impetus.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The optimizers reproduce PyTorch 1.13's float32 trajectories bit for bit. */
class GoldenTraceReplayTest {

  static List<Path> traces() throws IOException {
    return GoldenTraces.files();
  }

  @Test
  void theGoldenFolderHoldsAllTwentyTwoTraces() throws IOException {
    assertEquals(22, traces().size(), () -> "traces in " + GoldenTraces.directory());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("traces")
  void replayMatchesTorchBitForBit(Path file) throws IOException {
    ReplayResult result = TraceReplay.replay(file);
    System.out.println(result.summary());
    assertEquals(50, result.steps());
    assertTrue(result.withinTolerance(), result::summary);
    assertEquals(0, result.maxUlp(), result::summary);
    assertEquals(0, result.differingValues(), result::summary);
  }
}
