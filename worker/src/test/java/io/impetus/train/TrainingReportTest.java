package io.impetus.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class TrainingReportTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The hand-written format the report files had before Jackson wrote them (for finite figures). */
  private static String handWritten(TrainingReport r) {
    return String.format(Locale.ROOT,
        "{\"worker\": %d, \"steps\": %d, \"samples\": %d, \"start_millis\": %d, \"end_millis\": %d, "
            + "\"final_loss\": %s, \"mean_staleness\": %.6f, \"max_staleness\": %d, \"dropped\": %d, \"rejoins\": %d, "
            + "\"steady_samples_per_second\": %s, \"cpu_seconds\": %s, \"process_id\": %d, \"data_plane\": [%s]}%n",
        r.worker(), r.steps(), r.samples(), r.startMillis(), r.endMillis(), Double.toString(r.finalLoss()),
        r.meanStaleness(), r.maxStaleness(), r.dropped(), r.rejoins(), Double.toString(r.steadySamplesPerSecond()),
        Double.toString(r.cpuSeconds()), r.processId(),
        String.join(", ", r.dataPlanes().stream().map(p -> "\"" + p + "\"").toList()));
  }

  @Test
  void byteForByteTheFormatTheReportFilesHad() {
    for (TrainingReport r : List.of(
        new TrainingReport(3, 1200, 76800, 1_764_000_000_123L, 1_764_000_042_456L, 0.2345678901234, 1.25, 4, 2, 1,
            1834.5, 12.75, 4242, List.of("shm-doorbell", "grpc")),
        new TrainingReport(0, 0, 0, 0, 0, 6.3e24, 1e-7, 0, 0, 0, 1.0E-5, 0.0, 1, List.of()),
        new TrainingReport(1, 5, 5, -1, 1, -0.0, 1234567.1234565, Long.MAX_VALUE, 0, 0, 3.0, 2.0, 7, List.of("grpc")))) {
      assertEquals(handWritten(r), r.toJson());
    }
  }

  @Test
  void figuresThatAreNotFiniteAreNullWithANote() throws Exception {
    TrainingReport r = new TrainingReport(0, 1, 1, 0, 1, Double.NaN, Double.NaN, 0, 0, 0, Double.POSITIVE_INFINITY,
        Double.NaN, 9, List.of());
    JsonNode json = JSON.readTree(r.toJson());
    assertTrue(json.get("final_loss").isNull());
    assertTrue(json.get("mean_staleness").isNull(), "the hand-written %.6f wrote NaN, which is not JSON");
    assertTrue(json.get("steady_samples_per_second").isNull());
    assertTrue(json.get("cpu_seconds").isNull());
    assertEquals(9, json.get("process_id").asLong());
    assertTrue(json.get("data_plane").isArray());
    assertEquals("the last minibatch loss was not finite, the run diverged (not a number)", json.get("final_loss_note").asText());
    assertEquals("no step measured a staleness (not a number)", json.get("mean_staleness_note").asText());
    assertEquals("too few steps after the warm-up to measure a steady rate (+infinite)",
        json.get("steady_samples_per_second_note").asText());
    assertEquals("this JVM does not report process CPU time (not a number)", json.get("cpu_seconds_note").asText());
    assertTrue(r.toJson().contains("\"data_plane\": [], \"final_loss_note\": "), r.toJson());
    TrainingReport finite = new TrainingReport(0, 1, 1, 0, 1, 0.5, 0.0, 0, 0, 0, 1.0, 1.0, 9, List.of());
    assertTrue(!finite.toJson().contains("_note"), "notes only for what is not finite");
  }

  @Test
  void readsBackWithTheSameKeysInTheSameOrder() throws Exception {
    TrainingReport r = new TrainingReport(2, 10, 640, 5, 2005, 0.5, 0.0, 0, 0, 0, 320.0, 1.5, 77, List.of("say \"hi\"\\"));
    JsonNode json = JSON.readTree(r.toJson());
    List<String> keys = new java.util.ArrayList<>();
    json.fieldNames().forEachRemaining(keys::add);
    assertEquals(List.of("worker", "steps", "samples", "start_millis", "end_millis", "final_loss", "mean_staleness",
        "max_staleness", "dropped", "rejoins", "steady_samples_per_second", "cpu_seconds", "process_id", "data_plane"), keys);
    assertEquals(0.5, json.get("final_loss").asDouble());
    assertEquals("say \"hi\"\\", json.get("data_plane").get(0).asText(), "a name with quotes is escaped, not spliced in");
  }
}
