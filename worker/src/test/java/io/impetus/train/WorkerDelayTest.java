package io.impetus.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Stragglers on demand: the delay distributions, their seeds and their command-line forms. */
class WorkerDelayTest {

  @Test
  void fixedAndNoneAreConstant() {
    assertEquals(25.0, WorkerDelay.parse("fixed:25").nextMillis(new SplittableRandom(1)));
    assertEquals(0.0, WorkerDelay.parse("none").nextMillis(new SplittableRandom(1)));
  }

  @Test
  void uniformStaysWithinItsBoundsAndHasTheRightMean() {
    WorkerDelay d = WorkerDelay.parse("uniform:10:30");
    SplittableRandom r = new SplittableRandom(7);
    double sum = 0;
    for (int i = 0; i < 20_000; i++) {
      double x = d.nextMillis(r);
      assertTrue(x >= 10 && x <= 30);
      sum += x;
    }
    assertEquals(20.0, sum / 20_000, 0.2);
  }

  @Test
  void exponentialHasTheGivenMeanAndLognormalTheGivenMedian() {
    SplittableRandom r = new SplittableRandom(3);
    WorkerDelay exp = WorkerDelay.parse("exponential:20");
    double sum = 0;
    for (int i = 0; i < 50_000; i++) {
      sum += exp.nextMillis(r);
    }
    assertEquals(20.0, sum / 50_000, 0.4);
    WorkerDelay logn = WorkerDelay.parse("lognormal:10:0.5");
    int below = 0;
    for (int i = 0; i < 50_000; i++) {
      below += logn.nextMillis(r) < 10 ? 1 : 0;
    }
    assertEquals(0.5, below / 50_000.0, 0.01);
  }

  @Test
  void theSameSeedGivesTheSameDelays() {
    WorkerDelay d = WorkerDelay.parse("exponential:5");
    SplittableRandom a = new SplittableRandom(11);
    SplittableRandom b = new SplittableRandom(11);
    for (int i = 0; i < 100; i++) {
      assertEquals(d.nextMillis(a), d.nextMillis(b));
    }
  }

  @Test
  void everyFormRoundTripsAndBadOnesAreNamed() {
    for (String spec : new String[] {"none", "fixed:5.0", "uniform:1.0:2.0", "exponential:3.0", "lognormal:4.0:0.5"}) {
      assertEquals(spec, WorkerDelay.parse(spec).spec());
    }
    assertTrue(assertThrows(IllegalArgumentException.class, () -> WorkerDelay.parse("gamma:3")).getMessage()
        .startsWith("unknown delay 'gamma:3'"));
    assertEquals("--worker-delay uniform:LO:HI needs LO <= HI, got 5.0:1.0",
        assertThrows(IllegalArgumentException.class, () -> WorkerDelay.parse("uniform:5:1")).getMessage());
    assertEquals("delay 'fixed' needs 1 number(s) after the name",
        assertThrows(IllegalArgumentException.class, () -> WorkerDelay.parse("fixed")).getMessage());
  }
}
