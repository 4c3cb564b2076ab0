package io.impetus.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ShardPlanTest {

  @Test
  void rangesCoverEveryIndexExactlyOnceForManyPlans() {
    for (long p = 1; p <= 200; p++) {
      for (int s = 1; s <= Math.min(p, 17); s++) {
        ShardPlan plan = new ShardPlan(p, s);
        assertEquals(0, plan.start(0));
        assertEquals(p, plan.end(s - 1));
        long covered = 0;
        for (int i = 0; i < s; i++) {
          assertEquals(plan.end(i) - plan.start(i), plan.length(i));
          assertTrue(plan.length(i) >= 1, "shard " + i + " of " + plan + " is empty");
          if (i > 0) {
            assertEquals(plan.end(i - 1), plan.start(i), "gap or overlap before shard " + i + " of " + plan);
          }
          covered += plan.length(i);
          for (long k = plan.start(i); k < plan.end(i); k++) {
            assertEquals(i, plan.shardOf(k), "owner of " + k + " in " + plan);
          }
        }
        assertEquals(p, covered);
      }
    }
  }

  @Test
  void shardLengthsDifferByAtMostOne() {
    ShardPlan plan = new ShardPlan(1_000_003, 7);
    int min = Integer.MAX_VALUE;
    int max = 0;
    for (int i = 0; i < 7; i++) {
      min = Math.min(min, plan.length(i));
      max = Math.max(max, plan.length(i));
    }
    assertTrue(max - min <= 1);
    assertEquals(1_000_003, plan.end(6));
  }

  @Test
  void largeModelsSplitWithoutOverflow() {
    ShardPlan plan = new ShardPlan(50_000_001L * 100, 64);
    assertEquals(5_000_000_100L, plan.end(63));
    assertEquals(63, plan.shardOf(5_000_000_099L));
  }

  @Test
  void rejectsMoreShardsThanParameters() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ShardPlan(2, 3));
    assertEquals("a model of 2 parameters cannot be cut into 3 shards", e.getMessage());
  }

  @Test
  void rejectsNonPositiveShardCount() {
    assertThrows(IllegalArgumentException.class, () -> new ShardPlan(10, 0));
  }
}
