package io.impetus.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The launcher's progress rate counts from the first reported step, not from the launch. */
class ProgressTest {
  private long now;

  @Test
  void theRateCountsSamplesFromTheFirstReportedStep() {
    now = 5_000_000_000L; // the JVMs took 5 s to start: not part of the rate
    try (Progress progress = new Progress(2, 100, 64, false, () -> now)) {
      assertEquals(0.0, progress.samplesPerSecond());
      progress.report(0, 1, 2.3);
      progress.report(1, 1, 2.3);
      now += 500_000_000L;
      progress.report(0, 11, 1.0);
      progress.report(1, 11, 1.1);
      // 21 steps of 64 samples reported after the first one, in half a second.
      assertEquals(21 * 64 / 0.5, progress.samplesPerSecond(), 1e-9);
    }
  }
}
