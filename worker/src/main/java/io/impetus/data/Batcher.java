package io.impetus.data;

import java.util.Random;

/**
 * Cuts one worker's {@link Partition} into minibatches, epoch after epoch, filling a reusable
 * {@link Batch} in place.
 *
 * <p>Contract:
 * <ul>
 *   <li>Every epoch has exactly {@link #stepsPerEpoch()} batches, the number every worker agrees on
 *       ({@link #agreedStepsPerEpoch}), so synchronous training takes the same number of steps on
 *       every rank. To get there an epoch walks a sequence of {@link Partition#largestSize()}
 *       examples: the partition in a shuffled order, and a rank whose partition is one example
 *       smaller wraps around and repeats the first example of that order at the end. Batch {@code k}
 *       of an epoch therefore has {@code min(batchSize, largestSize - k * batchSize)} examples on
 *       every rank; only the last batch of an epoch may be smaller than {@code batchSize}.</li>
 *   <li>The order of epoch {@code e} is a Fisher-Yates shuffle of the partition seeded with
 *       {@link Seeds#derive(long, long, long) derive(seed, rank, e)}: a pure function of (seed, rank,
 *       epoch), independent of what happened in earlier epochs, so {@link #startEpoch} can resume
 *       anywhere.</li>
 *   <li>{@link #next} allocates nothing. A batcher is not thread-safe.</li>
 * </ul>
 */
public final class Batcher {
  private final Dataset dataset;
  private final Partition partition;
  private final int batchSize;
  private final long seed;
  private final int stepsPerEpoch;
  /** This epoch's example indices; the tail past partition.size() is the wrap-around. */
  private final int[] order;
  /** Reseeded every epoch; setSeed reuses the object, so epochs allocate nothing either. */
  private final Random rng = new Random();
  private int epoch;
  private int step;

  /** A batcher over {@code partition} of {@code dataset}, starting at epoch 0. */
  public Batcher(Dataset dataset, Partition partition, int batchSize, long seed) {
    if (partition.datasetSize() != dataset.size()) {
      throw new IllegalArgumentException(
          "partition " + partition + " is of a data set of " + partition.datasetSize()
              + " examples, but " + dataset.name() + " has " + dataset.size());
    }
    this.dataset = dataset;
    this.partition = partition;
    this.batchSize = batchSize;
    this.seed = seed;
    this.stepsPerEpoch = agreedStepsPerEpoch(dataset.size(), partition.workers(), batchSize);
    this.order = new int[partition.largestSize()];
    startEpoch(0);
  }

  /**
   * The number of batches per epoch that every one of {@code workers} workers produces:
   * {@code ceil(ceil(datasetSize / workers) / batchSize)}, i.e. enough to cover the largest partition.
   */
  public static int agreedStepsPerEpoch(int datasetSize, int workers, int batchSize) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
    }
    // The partition validates workers against the data set size; rank 0 always exists.
    int largest = Partition.of(datasetSize, 0, workers).largestSize();
    return (int) (((long) largest + batchSize - 1) / batchSize);
  }

  /** Batches in every epoch, on every rank. */
  public int stepsPerEpoch() {
    return stepsPerEpoch;
  }

  /** The largest number of examples a batch holds. */
  public int batchSize() {
    return batchSize;
  }

  /** The partition this batcher walks. */
  public Partition partition() {
    return partition;
  }

  /** The epoch the next batch comes from (0-based). */
  public int epoch() {
    return epoch;
  }

  /** Batches already given in the current epoch. */
  public int step() {
    return step;
  }

  /** A new batch with room for {@link #batchSize()} examples of this data set; allocate it once. */
  public Batch newBatch() {
    return new Batch(batchSize, dataset.inputDim(), dataset.targetDim());
  }

  /**
   * Fills {@code batch} with the next batch of the current epoch and returns true; once the epoch's
   * {@link #stepsPerEpoch()} batches have been given, leaves {@code batch} untouched, moves on to the
   * next epoch and returns false. So {@code while (batcher.next(batch)) {...}} runs one epoch.
   */
  public boolean next(Batch batch) {
    if (step == stepsPerEpoch) {
      startEpoch(epoch + 1);
      return false;
    }
    if (batch.capacity() < batchSize
        || batch.inputDim() != dataset.inputDim()
        || batch.targetDim() != dataset.targetDim()) {
      throw new IllegalArgumentException(
          "batch of capacity " + batch.capacity() + " and dims " + batch.inputDim() + "/"
              + batch.targetDim() + " cannot hold " + batchSize + " examples of " + dataset.name());
    }
    int from = step * batchSize;
    dataset.fill(batch, order, from, Math.min(batchSize, order.length - from));
    step++;
    return true;
  }

  /** Fills {@code batch} with the next batch, crossing into the next epoch when this one is done. */
  public void nextAcrossEpochs(Batch batch) {
    if (!next(batch)) {
      next(batch);
    }
  }

  /** Restarts at the first batch of {@code epoch}, in that epoch's order (e.g. to resume a run). */
  public void startEpoch(int epoch) {
    if (epoch < 0) {
      throw new IllegalArgumentException("epoch must be non-negative, got " + epoch);
    }
    int start = partition.start();
    int size = partition.size();
    // Start from the sorted partition each time so the order depends on (seed, rank, epoch) only.
    for (int i = 0; i < size; i++) {
      order[i] = start + i;
    }
    rng.setSeed(Seeds.derive(seed, partition.rank(), epoch));
    for (int i = size - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    // A smaller partition pads to the common length with the start of its own order.
    for (int i = size; i < order.length; i++) {
      order[i] = order[i - size];
    }
    this.epoch = epoch;
    this.step = 0;
  }
}
