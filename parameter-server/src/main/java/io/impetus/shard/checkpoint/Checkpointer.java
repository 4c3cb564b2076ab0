package io.impetus.shard.checkpoint;

import io.impetus.optim.OptimizerConfig;
import io.impetus.optim.OptimizerState;
import io.impetus.optim.Optimizers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A shard's checkpointing as its core sees it: what it restored from at start, whether a checkpoint is
 * due after an update (every {@link CheckpointSettings#interval} applied updates), and the hand-over
 * of a snapshot to the background {@link CheckpointWriter}. Disabled (no folder) it restores nothing
 * and is never due.
 *
 * <p>Threading: {@link #due}, {@link #submit} and {@link #restoredOptimizerState} run on the shard's
 * update loop; the counters are safe from any thread.
 */
public final class Checkpointer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Checkpointer.class);

  private final CheckpointSettings settings;
  private final CheckpointWriter writer;
  private final ShardSnapshot restored;
  private final String restoredFrom;
  private long lastSubmitted = -1;

  private Checkpointer(CheckpointSettings settings, CheckpointWriter writer, ShardSnapshot restored,
      String restoredFrom) {
    this.settings = settings;
    this.writer = writer;
    this.restored = restored;
    this.restoredFrom = restoredFrom;
    if (restored != null) {
      lastSubmitted = restored.version();
    }
  }

  /** No checkpoints: nothing restored, nothing written. */
  public static Checkpointer disabled() {
    return new Checkpointer(CheckpointSettings.none(), null, null, null);
  }

  /**
   * Opens shard {@code shardIndex}'s checkpoint folder and reads its newest complete checkpoint, if
   * any, for the shard to restore.
   *
   * @throws CheckpointMismatchException when that checkpoint belongs to another plan (shard index or
   *     count) than {@code shardIndex} of {@code numShards}
   */
  public static Checkpointer open(CheckpointSettings settings, int shardIndex, int numShards) {
    if (!settings.enabled()) {
      return disabled();
    }
    CheckpointStore store = new CheckpointStore(settings.shardDir(shardIndex), shardIndex, settings.keep());
    ShardSnapshot restored;
    try {
      restored = store.latest().orElse(null);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the checkpoint folder " + store.dir() + ": " + e.getMessage(), e);
    }
    String from = restored == null ? null : store.dataFile(restored.version()).toString();
    if (restored != null) {
      CheckpointLayout l = restored.layout();
      if (l.shardIndex() != shardIndex || l.numShards() != numShards) {
        throw new CheckpointMismatchException("checkpoint " + from + " holds " + l.describe()
            + ", but this shard was started as shard " + shardIndex + " of " + numShards
            + "; start it with the checkpoint's --shard-index/--num-shards or another --checkpoint-dir");
      }
      log.info("shard {}: restoring version {} from checkpoint {}", shardIndex, restored.version(), from);
    }
    return new Checkpointer(settings, new CheckpointWriter(shardIndex, store), restored, from);
  }

  /** The checkpoint the shard resumes from, if it found one. */
  public Optional<ShardSnapshot> restored() {
    return Optional.ofNullable(restored);
  }

  /**
   * The restored optimizer state, built for {@code config}.
   *
   * @throws CheckpointMismatchException when the checkpoint's optimizer keeps other state (another
   *     kind, momentum or AMSGrad setting) than {@code config}'s
   */
  public OptimizerState restoredOptimizerState(OptimizerConfig config) {
    try {
      return Optimizers.restoreState(config, restored.params().length, restored.optimizerSteps(), restored.buffers());
    } catch (IllegalArgumentException e) {
      throw new CheckpointMismatchException("checkpoint " + restoredFrom + " was written by optimizer "
          + restored.optimizer().describe() + ", but this shard runs " + config.describe() + ": " + e.getMessage());
    }
  }

  /** The version the shard was restored from, or -1 when it started empty. */
  public long restoredVersion() {
    return restored == null ? -1 : restored.version();
  }

  /**
   * Whether a checkpoint is due at {@code version}: checkpoints on, an interval K set, the version a
   * multiple of K and not written yet. Multiples, not "K since the last", so that in sync mode every
   * shard checkpoints at the same rounds.
   */
  public boolean due(long version) {
    return writer != null && settings.interval() > 0 && version > 0 && version % settings.interval() == 0
        && version != lastSubmitted;
  }

  /** Whether a final checkpoint (the shard stops) should be written at {@code version}: on, and not written yet. */
  public boolean wantsFinal(long version) {
    return writer != null && version != lastSubmitted;
  }

  /** Hands {@code snapshot} to the writer. */
  public void submit(ShardSnapshot snapshot) {
    lastSubmitted = snapshot.version();
    writer.submit(snapshot);
  }

  /** Checkpoints written so far. */
  public long written() {
    return writer == null ? 0 : writer.written();
  }

  /** Checkpoints whose write failed. */
  public long failed() {
    return writer == null ? 0 : writer.failed();
  }

  /** The version of the newest checkpoint written by this process, else the one restored, else -1. */
  public long lastVersion() {
    long v = writer == null ? -1 : writer.lastVersion();
    return v >= 0 ? v : restoredVersion();
  }

  /** Waits for the checkpoints submitted so far to be written, then stops the writer. */
  @Override
  public void close() {
    if (writer != null) {
      writer.close();
    }
  }
}
