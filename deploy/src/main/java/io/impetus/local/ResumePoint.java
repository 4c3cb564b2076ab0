package io.impetus.local;

import io.impetus.export.FullCheckpoint;
import io.impetus.shard.ConsistencyMode;
import io.impetus.shard.checkpoint.CheckpointStore;
import io.impetus.shard.checkpoint.ShardSnapshot;
import io.impetus.shard.checkpoint.WorkerProgress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where {@code impetus local --resume} continues a run: the newest checkpoint version every shard
 * holds complete (found as {@code impetus export} finds it), and the step each worker starts at. In
 * sync mode every worker starts at that version (one update per round: version = step). In async mode
 * worker r starts after the last step of its that every shard's checkpoint records as processed (a
 * shard that had processed more of its steps applies those again: async shards checkpoint
 * independently).
 *
 * @param version the checkpoint version the shards restore
 * @param startSteps the first step of every worker, by rank
 */
public record ResumePoint(long version, List<Long> startSteps) {

  /** Validates and copies. */
  public ResumePoint {
    startSteps = List.copyOf(startSteps);
  }

  /**
   * The resume point of the checkpoints in {@code dir}, written by {@code shards} shards for
   * {@code workers} workers in {@code mode}.
   *
   * @throws IllegalArgumentException when there is no complete checkpoint, naming the folder
   */
  public static ResumePoint find(Path dir, int shards, int workers, ConsistencyMode mode) throws IOException {
    long version = FullCheckpoint.newest(dir).version();
    List<Long> starts = new ArrayList<>();
    for (int r = 0; r < workers; r++) {
      starts.add(mode == ConsistencyMode.SYNC ? version : Long.MAX_VALUE);
    }
    if (mode != ConsistencyMode.SYNC) {
      for (int s = 0; s < shards; s++) {
        ShardSnapshot snapshot = store(dir, s).read(version);
        for (int r = 0; r < workers; r++) {
          WorkerProgress p = r < snapshot.workers().size() ? snapshot.workers().get(r) : WorkerProgress.NONE;
          starts.set(r, Math.min(starts.get(r), p.lastStep() + 1));
        }
      }
    }
    return new ResumePoint(version, starts);
  }

  /**
   * Deletes every shard's checkpoints newer than {@link #version} (a shard stopped after the others
   * wrote one more), so that each shard, restoring its newest checkpoint, restores this version.
   */
  public void dropNewerCheckpoints(Path dir, int shards) throws IOException {
    for (int s = 0; s < shards; s++) {
      CheckpointStore store = store(dir, s);
      if (!Files.isDirectory(store.dir())) {
        continue;
      }
      try (var files = Files.list(store.dir())) {
        for (Path f : files.toList()) {
          long v = versionOf(f.getFileName().toString());
          if (v > version) {
            Files.delete(f);
          }
        }
      }
    }
  }

  /** The version a checkpoint file is named after ({@code checkpoint-000000000200.bin}), or -1. */
  static long versionOf(String name) {
    if (!name.startsWith("checkpoint-")) {
      return -1;
    }
    int dot = name.indexOf('.');
    try {
      return Long.parseLong(name.substring("checkpoint-".length(), dot < 0 ? name.length() : dot));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static CheckpointStore store(Path dir, int shard) {
    return new CheckpointStore(dir.resolve("shard-" + shard), shard, 1);
  }
}
