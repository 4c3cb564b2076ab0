package io.impetus.shard.checkpoint;

import java.nio.file.Path;

/**
 * Whether and how often a shard checkpoints its state (see docs/checkpoints.md).
 *
 * @param dir the checkpoint folder (each shard writes into {@code dir/shard-I}), or null for no
 *     checkpoints at all: nothing is written and nothing restored
 * @param interval write a checkpoint every this many applied updates; 0 writes only when the shard
 *     stops (a signal, the end of the run)
 * @param keep how many of the newest complete checkpoints each shard keeps; older ones are pruned
 */
public record CheckpointSettings(Path dir, long interval, int keep) {

  /** Checkpoints kept when {@code --keep-checkpoints} is not given. */
  public static final int DEFAULT_KEEP = 3;

  /** Validates with messages that name the command-line flag. */
  public CheckpointSettings {
    if (interval < 0) {
      throw new IllegalArgumentException("--checkpoint-interval must be >= 0 (0: only when the shard stops), got "
          + interval);
    }
    if (keep < 1) {
      throw new IllegalArgumentException("--keep-checkpoints must be at least 1, got " + keep);
    }
    if (dir == null && interval > 0) {
      throw new IllegalArgumentException("--checkpoint-interval needs --checkpoint-dir");
    }
  }

  /** No checkpoints. */
  public static CheckpointSettings none() {
    return new CheckpointSettings(null, 0, DEFAULT_KEEP);
  }

  /** Whether the shard writes (and restores from) checkpoints. */
  public boolean enabled() {
    return dir != null;
  }

  /** The folder of shard {@code shardIndex}'s checkpoints. */
  public Path shardDir(int shardIndex) {
    return dir.resolve("shard-" + shardIndex);
  }
}
