package io.impetus.study.theory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.impetus.json.FiniteJson;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What {@code study theory --measure} prints, as text and as JSON. */
class TheoryReportTest {

  @Test
  void theSlowDelayedSettingPrintsAMeasuredRateBesideThePredictedOne() {
    TheoryReport report = new TheoryReport(new TheoryConfig(new double[] {1}, 0.25, 0, 5, true, 3000));
    Map<String, Object> json = report.toMap();
    assertEquals(0.983335, (Double) json.get("spectral_radius"), 5e-7);
    assertEquals(0.983335, (Double) json.get("measured_rate"), 0.01 * 0.983335);
    assertFalse(json.containsKey("measured_rate_note"));
    assertEquals(3000, json.get("measured_updates"));
    String text = report.toText();
    assertTrue(text.contains("measured rate (real optimizer in float32, 3000 updates): 0.98"), text);
  }

  @Test
  void whereNoRateCanBeMeasuredTheJsonHasNullAndANoteAndNeverNaN() {
    TheoryReport report = new TheoryReport(new TheoryConfig(new double[] {1}, 1, 0, 0, true, 3000));
    String json = FiniteJson.write(report.toMap());
    assertTrue(json.contains("\"measured_rate\" : null"), json);
    assertTrue(json.contains("\"measured_rate_note\" : \"not measurable: the error is exactly 0 after 1 update"), json);
    assertFalse(json.contains("NaN") || json.contains("Infinity"), json);
    assertTrue(report.toText().contains("measured rate (real optimizer in float32): not measurable: the error is "
        + "exactly 0 after 1 update"), report.toText());
  }
}
