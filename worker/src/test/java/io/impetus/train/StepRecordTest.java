package io.impetus.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Locale;
import org.junit.jupiter.api.Test;

/** A step's metrics.csv row: the columns of the header, times as %.3f, the loss in full. */
class StepRecordTest {
  @Test
  void aRowHasOneValuePerHeaderColumn() {
    StepRecord r = new StepRecord(1795454383524L, 3, 41, 2, 0.25, 4, 1, true, 64, 1_186_400, 15_000_049,
        Double.NaN, Double.NaN);
    assertEquals("1795454383.524,3,41,2,0.25,4,1,1,64,1.186,15.000,,", r.csvRow());
    assertEquals(StepRecord.CSV_HEADER.split(",").length, r.csvRow().split(",", -1).length);
  }

  @Test
  void evaluatedStepsCarryTheTestFiguresWithSixDigits() {
    StepRecord r = new StepRecord(5L, 0, 0, 0, 2.302585092994046, 0, 0, false, 32, 999, 1500, 0.3456789, 0.875);
    assertEquals("0.005,0,0,0,2.302585092994046,0,0,0,32,0.001,0.002,0.345679,0.875000", r.csvRow());
  }

  @Test
  void millisecondsMatchPercentPointThreeF() {
    for (long nanos : new long[] {0, 499, 500, 1_000, 12_345, 999_499, 999_500, 7_000_000, 123_456_789_012L}) {
      StepRecord r = new StepRecord(0, 0, 0, 0, 1, 0, 0, false, 1, nanos, 0, Double.NaN, Double.NaN);
      String expected = String.format(Locale.ROOT, "%.3f", Math.round(nanos / 1e3) / 1e3);
      assertEquals(expected, r.csvRow().split(",")[9], "compute_ms of " + nanos + " ns");
    }
  }

  @Test
  void aDivergedLossIsWrittenAsItIs() {
    StepRecord r = new StepRecord(0, 0, 0, 0, Double.POSITIVE_INFINITY, 0, 0, false, 1, 0, 0, Double.NaN, Double.NaN);
    assertEquals("Infinity", r.csvRow().split(",")[4]);
    StepRecord big = new StepRecord(0, 0, 0, 0, 6.3e24, 0, 0, false, 1, 0, 0, Double.NaN, Double.NaN);
    assertEquals(6.3e24, Double.parseDouble(big.csvRow().split(",")[4]));
  }
}
