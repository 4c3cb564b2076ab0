package io.impetus.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The CPU a run's workers used per step and per megabyte moved, and the link's time for a step's bytes. */
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

  @Test
  void cpuPerMegabyteDividesTheCpuPerStepByTheFloatsAStepPushesAndPulls() {
    // 250,000 floats of 4 bytes, pushed and pulled: 2 MB a step.
    TimeBreakdown.Traffic traffic = new TimeBreakdown.Traffic(250_000, 4, 0);
    Map<String, Object> cpu = new java.util.HashMap<>();
    cpu.put("workers", 6.0);
    cpu.put("shards", null);
    Map<String, Object> perMb = TimeBreakdown.cpuPerMegabyte(cpu, traffic);
    assertEquals(2.0, (double) perMb.get("mb_per_step"), 1e-12);
    assertEquals(3.0, (double) perMb.get("workers"), 1e-12);
    assertNull(perMb.get("shards"));
    // bf16 on the wire halves the bytes, so the same CPU costs twice as much per megabyte
    Map<String, Object> bf16 = TimeBreakdown.cpuPerMegabyte(cpu, new TimeBreakdown.Traffic(250_000, 2, 0));
    assertEquals(6.0, (double) bf16.get("workers"), 1e-12);
    assertNull(TimeBreakdown.cpuPerMegabyte(cpu, TimeBreakdown.Traffic.UNKNOWN).get("workers"));
  }

  @Test
  void theLinksTimeForAPushPullIsTheBytesOutAndBackAtTheLinkRate() {
    // 11.6M floats over 10 Gbit/s: 46.4 MB take 37.12 ms each way.
    Map<String, Object> link = TimeBreakdown.link(new TimeBreakdown.Traffic(11_600_000, 4, 10e9), 111.36);
    assertEquals(37.12, (double) link.get("one_way_ms"), 1e-9);
    assertEquals(74.24, (double) link.get("push_and_pull_ms"), 1e-9);
    assertEquals(1.5, (double) link.get("push_pull_wait_over_push_and_pull"), 1e-9);
  }
}
