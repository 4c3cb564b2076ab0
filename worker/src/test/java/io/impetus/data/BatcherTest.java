package io.impetus.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatcherTest {

  /** A data set whose input and target are both the example's own index, so batches name their rows. */
  static Dataset indexed(int n) {
    float[] values = new float[n];
    for (int i = 0; i < n; i++) {
      values[i] = i;
    }
    return new Dataset("indexed", n, 1, 1, values.clone(), values);
  }

  /** The example indices of every batch of the next epoch. */
  static List<int[]> epoch(Batcher batcher) {
    List<int[]> batches = new ArrayList<>();
    Batch batch = batcher.newBatch();
    while (batcher.next(batch)) {
      int[] rows = new int[batch.size()];
      for (int i = 0; i < rows.length; i++) {
        rows[i] = (int) batch.inputs()[i];
        assertEquals(batch.inputs()[i], batch.targets()[i], "input and target of one example stay together");
      }
      batches.add(rows);
    }
    return batches;
  }

  static int[] concat(List<int[]> batches) {
    return batches.stream().flatMapToInt(Arrays::stream).toArray();
  }

  @Test
  void agreedStepsCoverTheLargestPartition() {
    assertEquals(32, Batcher.agreedStepsPerEpoch(1000, 1, 32)); // 31 full batches and one of 8
    assertEquals(8, Batcher.agreedStepsPerEpoch(1000, 4, 32)); // 250 per worker
    assertEquals(2, Batcher.agreedStepsPerEpoch(10, 3, 3)); // largest partition 4
    assertEquals(1, Batcher.agreedStepsPerEpoch(10, 3, 100));
    assertThrows(IllegalArgumentException.class, () -> Batcher.agreedStepsPerEpoch(10, 3, 0));
    assertThrows(IllegalArgumentException.class, () -> Batcher.agreedStepsPerEpoch(2, 3, 1));
  }

  @Test
  void anEpochVisitsEachExampleOfThePartitionExactlyOnce() {
    Dataset data = indexed(1000);
    Partition part = Partition.of(1000, 1, 3); // 333 examples, [334, 667)
    Batcher batcher = new Batcher(data, part, 32, 7);
    for (int e = 0; e < 3; e++) {
      List<int[]> batches = epoch(batcher);
      assertEquals(batcher.stepsPerEpoch(), batches.size());
      int[] seen = concat(batches);
      // Rank 1 holds 333 examples, one fewer than rank 0: it repeats its epoch's first example once.
      assertEquals(334, seen.length);
      assertEquals(seen[0], seen[333]);
      int[] once = Arrays.copyOf(seen, 333);
      Arrays.sort(once);
      assertArrayEquals(part.indices(), once);
    }
  }

  @Test
  void theLargestPartitionIsVisitedExactlyOnceWithoutRepeats() {
    Partition part = Partition.of(1000, 0, 3); // 334 examples
    int[] seen = concat(epoch(new Batcher(indexed(1000), part, 32, 7)));
    Arrays.sort(seen);
    assertArrayEquals(part.indices(), seen);
  }

  @Test
  void onlyTheLastBatchOfAnEpochIsSmaller() {
    List<int[]> batches = epoch(new Batcher(indexed(1000), Partition.of(1000, 0, 1), 32, 1));
    assertEquals(32, batches.size());
    for (int k = 0; k < 31; k++) {
      assertEquals(32, batches.get(k).length);
    }
    assertEquals(1000 - 31 * 32, batches.get(31).length);
  }

  @Test
  void everyRankTakesTheSameNumberOfStepsWithTheSameBatchSizes() {
    Dataset data = indexed(10);
    List<Integer> reference = null;
    for (int rank = 0; rank < 3; rank++) {
      Batcher batcher = new Batcher(data, Partition.of(10, rank, 3), 3, 5);
      assertEquals(2, batcher.stepsPerEpoch());
      List<Integer> sizes = epoch(batcher).stream().map(b -> b.length).toList();
      assertEquals(List.of(3, 1), sizes, "rank " + rank);
      if (reference == null) {
        reference = sizes;
      }
      assertEquals(reference, sizes);
    }
  }

  @Test
  void theOrderIsAPureFunctionOfSeedRankAndEpoch() {
    Dataset data = indexed(1000);
    Batcher a = new Batcher(data, Partition.of(1000, 2, 4), 16, 42);
    Batcher b = new Batcher(data, Partition.of(1000, 2, 4), 16, 42);
    int[] a0 = concat(epoch(a));
    int[] a1 = concat(epoch(a));
    assertArrayEquals(a0, concat(epoch(b)));
    assertArrayEquals(a1, concat(epoch(b)));
    assertFalse(Arrays.equals(a0, a1), "each epoch reshuffles");
    assertFalse(Arrays.equals(a0, concat(epoch(new Batcher(data, Partition.of(1000, 2, 4), 16, 43)))),
        "another seed, another order");
    int[] sorted = a0.clone();
    Arrays.sort(sorted);
    assertFalse(Arrays.equals(sorted, a0), "the order is shuffled, not sorted");

    // Jumping straight to epoch 1 (resuming) gives the order that playing epoch 0 first gave.
    Batcher resumed = new Batcher(data, Partition.of(1000, 2, 4), 16, 42);
    resumed.startEpoch(1);
    assertArrayEquals(a1, concat(epoch(resumed)));
  }

  @Test
  void ranksWithTheSameSeedShuffleDifferently() {
    // Ranks 0 and 1 of 2 hold [0, 500) and [500, 1000): compare the orders as positions in the partition.
    Dataset data = indexed(1000);
    int[] rank0 = concat(epoch(new Batcher(data, Partition.of(1000, 0, 2), 50, 3)));
    int[] rank1 = concat(epoch(new Batcher(data, Partition.of(1000, 1, 2), 50, 3)));
    for (int i = 0; i < rank1.length; i++) {
      rank1[i] -= 500;
    }
    assertFalse(Arrays.equals(rank0, rank1));
  }

  @Test
  void nextReturnsFalseOnceAtTheEndOfEachEpochAndMovesOn() {
    Batcher batcher = new Batcher(indexed(10), Partition.of(10, 0, 1), 4, 0);
    Batch batch = batcher.newBatch();
    assertEquals(0, batcher.epoch());
    assertTrue(batcher.next(batch));
    assertTrue(batcher.next(batch));
    assertTrue(batcher.next(batch));
    assertEquals(2, batch.size());
    assertEquals(3, batcher.step());
    assertFalse(batcher.next(batch));
    assertEquals(2, batch.size(), "the batch is left untouched at the end of an epoch");
    assertEquals(1, batcher.epoch());
    assertEquals(0, batcher.step());
    assertTrue(batcher.next(batch));
    assertEquals(4, batch.size());
  }

  @Test
  void nextAcrossEpochsAlwaysFillsABatch() {
    Batcher batcher = new Batcher(indexed(10), Partition.of(10, 0, 1), 4, 0);
    Batch batch = batcher.newBatch();
    int[] sizes = new int[7];
    for (int i = 0; i < sizes.length; i++) {
      batcher.nextAcrossEpochs(batch);
      sizes[i] = batch.size();
    }
    assertArrayEquals(new int[] {4, 4, 2, 4, 4, 2, 4}, sizes);
    assertEquals(2, batcher.epoch());
  }

  @Test
  void rejectsABatchThatCannotHoldTheData() {
    Batcher batcher = new Batcher(indexed(10), Partition.of(10, 0, 1), 4, 0);
    assertThrows(IllegalArgumentException.class, () -> batcher.next(new Batch(3, 1, 1)));
    assertThrows(IllegalArgumentException.class, () -> batcher.next(new Batch(4, 2, 1)));
  }

  @Test
  void rejectsAPartitionOfAnotherDataSet() {
    assertThrows(IllegalArgumentException.class,
        () -> new Batcher(indexed(10), Partition.of(11, 0, 1), 4, 0));
  }
}
