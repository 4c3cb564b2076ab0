package io.impetus.export;

import io.impetus.shard.checkpoint.CheckpointLayout;
import io.impetus.shard.checkpoint.CheckpointStore;
import io.impetus.shard.checkpoint.CorruptCheckpointException;
import io.impetus.shard.checkpoint.ShardSnapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The whole model's parameters from a checkpoint folder's newest complete checkpoint: the newest
 * version for which every shard ({@code DIR/shard-0} … {@code DIR/shard-(S-1)}) has a checkpoint
 * that verifies, its slices put together in shard order. In sync mode that version is a consistent
 * cut; after a run's graceful end every shard's final checkpoint holds the last update.
 *
 * @param model the model name the shards were initialized for
 * @param numShards S
 * @param fingerprint the model's layout fingerprint
 * @param version the checkpoint's version (each shard's updates applied)
 * @param params the full parameter vector
 */
public record FullCheckpoint(String model, int numShards, long fingerprint, long version, float[] params) {

  /**
   * Reads the newest complete checkpoint in {@code dir}.
   *
   * @throws IllegalArgumentException naming the folder and what is missing when there is none
   * @throws IOException if a folder cannot be listed
   */
  public static FullCheckpoint newest(Path dir) throws IOException {
    Path first = dir.resolve("shard-0");
    if (!Files.isDirectory(first)) {
      throw new IllegalArgumentException("no checkpoint in " + dir + ": it has no shard-0 folder");
    }
    List<Long> versions = store(dir, 0).completeVersions();
    List<String> skipped = new ArrayList<>();
    for (long version : versions) {
      try {
        ShardSnapshot shard0 = store(dir, 0).read(version);
        List<ShardSnapshot> shards = new ArrayList<>(List.of(shard0));
        for (int s = 1; s < shard0.layout().numShards(); s++) {
          shards.add(store(dir, s).read(version));
        }
        return assemble(shards, version);
      } catch (NoSuchFileException | CorruptCheckpointException e) {
        skipped.add(version + " (" + reason(e) + ")");
      }
    }
    throw new IllegalArgumentException("no complete checkpoint in " + dir + ": "
        + (versions.isEmpty() ? "shard-0 holds none" : "every shard's files of one version are needed; skipped "
            + String.join(", ", skipped)));
  }

  private static CheckpointStore store(Path dir, int shard) {
    // keep only matters when writing, which an export never does.
    return new CheckpointStore(dir.resolve("shard-" + shard), shard, 1);
  }

  private static String reason(IOException e) {
    if (e instanceof NoSuchFileException missing) {
      return (missing.getReason() == null ? "missing" : missing.getReason()) + ": " + missing.getFile();
    }
    return e.getMessage();
  }

  /** The slices of {@code shards} (shard 0 first, every shard of one plan) as one vector. */
  static FullCheckpoint assemble(List<ShardSnapshot> shards, long version) throws CorruptCheckpointException {
    CheckpointLayout first = shards.get(0).layout();
    float[] params = new float[Math.toIntExact(first.numParams())];
    for (int s = 0; s < shards.size(); s++) {
      CheckpointLayout l = shards.get(s).layout();
      if (l.shardIndex() != s || l.numShards() != first.numShards() || l.numParams() != first.numParams()
          || l.fingerprint() != first.fingerprint() || !l.model().equals(first.model())) {
        throw new CorruptCheckpointException("version " + version + ": shard-" + s + " holds " + l.describe()
            + ", which is not part of shard-0's plan, " + first.describe());
      }
      System.arraycopy(shards.get(s).params(), 0, params, Math.toIntExact(l.rangeStart()), l.length());
    }
    return new FullCheckpoint(first.model(), first.numShards(), first.fingerprint(), version, params);
  }
}
