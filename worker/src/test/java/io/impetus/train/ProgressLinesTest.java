package io.impetus.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Progress lines for the launcher: the first, then at most one per interval, evaluations and the last always. */
class ProgressLinesTest {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private long now;
  private final ProgressLines lines =
      new ProgressLines(new PrintStream(bytes, true, StandardCharsets.UTF_8), 2, 100, () -> now);

  private static StepRecord step(long step, double loss, double testAccuracy) {
    return new StepRecord(0, 2, step, 0, loss, 1, 0, false, 64, 0, 0, Double.NaN, testAccuracy);
  }

  private List<String> printed() {
    return bytes.toString(StandardCharsets.UTF_8).lines().toList();
  }

  @Test
  void printsTheFirstStepThenOnePerIntervalAndTheLastOnFinish() {
    for (int s = 0; s < 10; s++) {
      now = s * 30L; // steps at 0, 30, ..., 270 ns; interval 100
      lines.step(step(s, 1.0 / (s + 1), Double.NaN));
    }
    lines.finish();
    assertEquals(List.of("IMPETUS_PROGRESS 2 1 1.00000 1", "IMPETUS_PROGRESS 2 5 0.200000 1",
        "IMPETUS_PROGRESS 2 9 0.111111 1", "IMPETUS_PROGRESS 2 10 0.100000 1"), printed());
  }

  @Test
  void anEvaluatedStepIsAlwaysPrintedAndFinishDoesNotRepeatALine() {
    lines.step(step(0, 2, Double.NaN));
    now = 10;
    lines.step(step(1, 1.5, 0.5));
    lines.finish();
    assertEquals(List.of("IMPETUS_PROGRESS 2 1 2.00000 1", "IMPETUS_PROGRESS 2 2 1.50000 1"), printed());
  }

  @Test
  void nothingIsPrintedWithoutSteps() {
    lines.finish();
    assertEquals(List.of(), printed());
  }
}
