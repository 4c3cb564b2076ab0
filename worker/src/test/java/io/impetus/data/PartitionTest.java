package io.impetus.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PartitionTest {

  @Test
  void ranksCoverEveryIndexExactlyOnceInContiguousNearEqualRanges() {
    for (int n = 1; n <= 120; n++) {
      for (int workers = 1; workers <= Math.min(n, 13); workers++) {
        int[] owners = new int[n];
        int next = 0;
        for (int rank = 0; rank < workers; rank++) {
          Partition part = Partition.of(n, rank, workers);
          assertEquals(next, part.start(), "gap or overlap before " + part);
          assertTrue(part.size() == n / workers || part.size() == n / workers + 1, part.toString());
          assertEquals((n + workers - 1) / workers, part.largestSize());
          for (int index : part.indices()) {
            owners[index]++;
          }
          next = part.end();
        }
        assertEquals(n, next);
        for (int index = 0; index < n; index++) {
          assertEquals(1, owners[index], "index " + index + " of " + n + " among " + workers);
        }
      }
    }
  }

  @Test
  void extraExamplesGoToTheFirstRanks() {
    // 10 = 4 + 3 + 3
    assertArrayEquals(new int[] {0, 1, 2, 3}, Partition.of(10, 0, 3).indices());
    assertArrayEquals(new int[] {4, 5, 6}, Partition.of(10, 1, 3).indices());
    assertArrayEquals(new int[] {7, 8, 9}, Partition.of(10, 2, 3).indices());
  }

  @Test
  void rejectsRanksOutsideTheJob() {
    assertEquals("rank 3 outside [0, 3)",
        assertThrows(IllegalArgumentException.class, () -> Partition.of(10, 3, 3)).getMessage());
    assertEquals("rank -1 outside [0, 3)",
        assertThrows(IllegalArgumentException.class, () -> Partition.of(10, -1, 3)).getMessage());
    assertEquals("number of workers must be at least 1, got 0",
        assertThrows(IllegalArgumentException.class, () -> Partition.of(10, 0, 0)).getMessage());
  }

  @Test
  void rejectsMoreWorkersThanExamples() {
    assertEquals("a data set of 3 examples cannot be split among 5 workers: every worker needs at least one example",
        assertThrows(IllegalArgumentException.class, () -> Partition.of(3, 0, 5)).getMessage());
  }
}
