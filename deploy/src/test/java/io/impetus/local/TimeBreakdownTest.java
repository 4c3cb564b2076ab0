package io.impetus.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The CPU a run's workers used per step, from their reports. */
class TimeBreakdownTest {
  private static JsonNode report(String json) throws Exception {
    return new ObjectMapper().readTree(json);
  }

  @Test
  void workersSharingAJvmCountItsCpuOnceAndWorkersInProcessesOfTheirOwnAddUp() throws Exception {
    // Ranks 0 and 1 ran as threads of process 100 and each saw its CPU over its own training (the
    // windows overlap: 3 s is the longer one); rank 2 had process 200 to itself.
    List<JsonNode> reports = List.of(
        report("{\"cpu_seconds\": 3.0, \"process_id\": 100}"),
        report("{\"cpu_seconds\": 2.5, \"process_id\": 100}"),
        report("{\"cpu_seconds\": 1.0, \"process_id\": 200}"));
    assertEquals(4.0 * 1000 / 400, (double) TimeBreakdown.cpuPerStep(400, List.of(), reports).get("workers"), 1e-12);
  }

  @Test
  void reportsWithoutAProcessIdAreCountedOneByOneAndAMissingReportMakesTheTotalUnknown() throws Exception {
    List<JsonNode> old = List.of(report("{\"cpu_seconds\": 1.0}"), report("{\"cpu_seconds\": 1.0}"));
    assertEquals(2.0 * 1000 / 100, (double) TimeBreakdown.cpuPerStep(100, List.of(), old).get("workers"), 1e-12);
    java.util.ArrayList<JsonNode> lost = new java.util.ArrayList<>(old);
    lost.add(null);
    assertEquals(null, TimeBreakdown.cpuPerStep(100, List.of(), lost).get("workers"));
  }
}
