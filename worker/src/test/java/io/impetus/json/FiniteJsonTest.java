package io.impetus.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** JSON never carries NaN or Infinity: null, with a note that says why. */
class FiniteJsonTest {
  @TempDir Path tmp;

  @Test
  void putKeepsAFiniteNumberAndReplacesAnotherByNullWithTheReason() throws Exception {
    Map<String, Object> m = new LinkedHashMap<>();
    FiniteJson.put(m, "rate", 0.5, "unused");
    FiniteJson.put(m, "measured_rate", Double.NaN, "not measurable");
    FiniteJson.put(m, "loss", Double.POSITIVE_INFINITY, "diverged");
    assertEquals(0.5, m.get("rate"));
    assertFalse(m.containsKey("rate_note"));
    assertTrue(m.containsKey("measured_rate"));
    assertEquals(null, m.get("measured_rate"));
    assertEquals("not measurable (not a number)", m.get("measured_rate_note"));
    assertEquals("diverged (+infinite)", m.get("loss_note"));
    JsonNode back = FiniteJson.MAPPER.readTree(FiniteJson.write(m));
    assertTrue(back.get("measured_rate").isNull());
    assertEquals("diverged (+infinite)", back.get("loss_note").asText());
  }

  @Test
  void sanitizeCatchesNonFiniteNumbersAnywhereInTheTreeAndKeepsAWritersOwnNote() {
    Map<String, Object> inner = new LinkedHashMap<>();
    inner.put("mean", Double.NaN);
    inner.put("max", Float.NEGATIVE_INFINITY);
    Map<String, Object> tree = new LinkedHashMap<>();
    tree.put("staleness", inner);
    tree.put("curve", Arrays.asList(1.0, Double.NaN));
    tree.put("roots", new double[] {0.5, Double.POSITIVE_INFINITY});
    tree.put("rate", Double.NaN);
    tree.put("rate_note", "too short");
    tree.put("name", "x");
    String json = FiniteJson.write(tree);
    assertFalse(json.contains("NaN") || json.contains("Infinity"), json);
    assertTrue(json.contains("\"mean\" : null"), json);
    assertTrue(json.contains("\"mean_note\" : \"not a finite number (not a number)\""), json);
    assertTrue(json.contains("\"max_note\" : \"not a finite number (-infinite)\""), json);
    assertTrue(json.contains("\"curve\" : [ 1.0, null ]"), json);
    assertTrue(json.contains("\"roots\" : [ 0.5, null ]"), json);
    assertTrue(json.contains("\"rate_note\" : \"too short\""), json);
    assertTrue(json.contains("\"name\" : \"x\""), json);
  }

  record Figures(double rate, Double loss, float f, List<Double> curve) {}

  @Test
  void theMapperWritesNullForNonFiniteNumbersInsideRecordsToo() throws Exception {
    String json = FiniteJson.MAPPER.writeValueAsString(new Figures(Double.NaN, Double.NEGATIVE_INFINITY, Float.NaN,
        List.of(2.0, Double.POSITIVE_INFINITY)));
    assertFalse(json.contains("NaN") || json.contains("Infinity"), json);
    JsonNode n = FiniteJson.MAPPER.readTree(json);
    assertTrue(n.get("rate").isNull());
    assertTrue(n.get("loss").isNull());
    assertTrue(n.get("f").isNull());
    assertTrue(n.get("curve").get(1).isNull());
    assertEquals(2.0, n.get("curve").get(0).asDouble());
  }

  @Test
  void writeToAFileAndLiteralForHandWrittenJson() throws Exception {
    Path file = tmp.resolve("summary.json");
    FiniteJson.write(file, Map.of("x", Double.NaN));
    assertFalse(Files.readString(file).contains("NaN"));
    assertEquals("null", FiniteJson.literal(Double.NaN));
    assertEquals("null", FiniteJson.literal(Double.NEGATIVE_INFINITY));
    assertEquals("1.5", FiniteJson.literal(1.5));
  }
}
