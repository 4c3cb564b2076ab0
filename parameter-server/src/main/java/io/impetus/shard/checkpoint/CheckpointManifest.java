package io.impetus.shard.checkpoint;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * The manifest of one shard's checkpoint, written (atomically) after its files: its presence is what
 * makes the checkpoint complete. It names the checkpoint (its version: the shard's updates applied;
 * in sync mode every shard checkpoints at the same round, so the shards' manifests of one version
 * form a consistent cut), the shard and its plan, and each file with its size and the CRC32C of its
 * payload, so that a torn or swapped file is caught before it is read.
 *
 * @param format always {@value #FORMAT}
 * @param formatVersion the version of the files' binary format ({@link CheckpointFormat#VERSION})
 * @param checkpointVersion the checkpoint's id: the shard's version when it was taken
 * @param shardIndex the shard that wrote it
 * @param numShards the shard count of its plan
 * @param files the checkpoint's files, in this manifest's folder
 */
public record CheckpointManifest(
    @JsonProperty("format") String format,
    @JsonProperty("format_version") int formatVersion,
    @JsonProperty("checkpoint_version") long checkpointVersion,
    @JsonProperty("shard_index") int shardIndex,
    @JsonProperty("num_shards") int numShards,
    @JsonProperty("files") List<FileEntry> files) {

  /** The value of {@link #format}. */
  public static final String FORMAT = "impetus-shard-checkpoint";

  /**
   * One file of a checkpoint.
   *
   * @param name its name in the manifest's folder
   * @param size its size in bytes
   * @param crc32c the CRC32C of its payload, 8 hex digits (also the file's trailer)
   */
  public record FileEntry(
      @JsonProperty("name") String name, @JsonProperty("size") long size, @JsonProperty("crc32c") String crc32c) {}
}
