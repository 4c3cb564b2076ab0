package io.impetus.shard.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.impetus.optim.OptimizerConfig;
import io.impetus.optim.OptimizerKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A shard's checkpoint folder: the newest complete checkpoint is the one restored; a damaged one
 * (flipped bits, a truncated file, no manifest) is passed over with a WARN line naming the file and
 * the reason, and the previous one is used; pruning keeps the newest.
 */
class CheckpointStoreTest {
  private static final OptimizerConfig ADAM = OptimizerConfig.defaults(OptimizerKind.ADAM, 0.01);

  @TempDir Path dir;

  private CheckpointStore store(int keep) {
    return new CheckpointStore(dir, 1, keep);
  }

  private List<String> files() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void theNewestCompleteCheckpointIsRestoredExactly() throws Exception {
    CheckpointStore store = store(3);
    store.write(Snapshots.sample(ADAM, 50, 4));
    ShardSnapshot newest = Snapshots.sample(ADAM, 50, 8);
    store.write(newest);
    Snapshots.assertSameState(newest, store.latest().orElseThrow());
    assertEquals(List.of(8L, 4L), store.completeVersions());
    String manifest = Files.readString(store.manifestFile(8));
    assertTrue(manifest.contains("\"checkpoint_version\" : 8") && manifest.contains("\"num_shards\" : 2")
        && manifest.contains("\"name\" : \"checkpoint-000000000008.bin\""), manifest);
  }

  @Test
  void aCorruptedNewestCheckpointIsSkippedWithAWarningAndThePreviousOneUsed() throws Exception {
    CheckpointStore store = store(3);
    store.write(Snapshots.sample(ADAM, 50, 4));
    store.write(Snapshots.sample(ADAM, 50, 8));
    Path newest = store.dataFile(8);
    byte[] bytes = Files.readAllBytes(newest);
    bytes[bytes.length / 2] ^= 0x01; // bit rot in the parameters
    Files.write(newest, bytes);
    try (LogCapture log = new LogCapture(CheckpointStore.class)) {
      assertEquals(4, store.latest().orElseThrow().version());
      List<String> warnings = log.lines("WARN");
      assertEquals(1, warnings.size(), warnings.toString());
      assertTrue(warnings.get(0).startsWith("shard 1: checkpoint " + newest + " is unusable (CRC32C mismatch (stored "),
          warnings.get(0));
      assertTrue(warnings.get(0).endsWith("using the previous one"), warnings.get(0));
    }
  }

  @Test
  void aTruncatedFileIsSkippedAndSoIsACheckpointWithoutManifest() throws Exception {
    CheckpointStore store = store(5);
    store.write(Snapshots.sample(ADAM, 50, 2));
    store.write(Snapshots.sample(ADAM, 50, 4));
    store.write(Snapshots.sample(ADAM, 50, 6));
    // 6: a torn write, its file cut short; the manifest still says the full size.
    Path six = store.dataFile(6);
    Files.write(six, Arrays.copyOf(Files.readAllBytes(six), 100));
    // 8: the process died between the data file and its manifest.
    store.write(Snapshots.sample(ADAM, 50, 8));
    Files.delete(store.manifestFile(8));
    try (LogCapture log = new LogCapture(CheckpointStore.class)) {
      assertEquals(4, store.latest().orElseThrow().version());
      List<String> warnings = log.lines("WARN");
      assertEquals(2, warnings.size(), warnings.toString());
      assertTrue(warnings.get(0).startsWith("shard 1: checkpoint " + store.manifestFile(8) + " is unusable (no manifest: the write was interrupted)"),
          warnings.get(0));
      assertTrue(warnings.get(1).startsWith("shard 1: checkpoint " + six + " is unusable (truncated: 100 bytes, the manifest says "),
          warnings.get(1));
    }
  }

  @Test
  void nothingUsableMeansNoCheckpointAndSaysTheShardStartsEmpty() throws Exception {
    CheckpointStore store = store(3);
    assertEquals(Optional.empty(), new CheckpointStore(dir.resolve("absent"), 1, 3).latest());
    store.write(Snapshots.sample(ADAM, 50, 3));
    Files.writeString(store.manifestFile(3), "{ not json");
    try (LogCapture log = new LogCapture(CheckpointStore.class)) {
      assertEquals(Optional.empty(), store.latest());
      assertTrue(log.lines("WARN").get(0).contains("(manifest checkpoint-000000000003.json is unreadable: "),
          log.lines("WARN").toString());
      assertTrue(log.lines("WARN").get(0).endsWith("no older checkpoint, the shard starts empty"));
    }
  }

  @Test
  void writingKeepsOnlyTheNewestCompleteCheckpointsAndClearsInterruptedOnes() throws Exception {
    CheckpointStore store = store(2);
    store.write(Snapshots.sample(ADAM, 10, 1));
    store.write(Snapshots.sample(ADAM, 10, 2));
    Files.writeString(dir.resolve(".checkpoint-000000000003.bin.tmp"), "a crash left this");
    Files.writeString(store.dataFile(3), "and this, without a manifest");
    store.write(Snapshots.sample(ADAM, 10, 4));
    store.write(Snapshots.sample(ADAM, 10, 5));
    assertEquals(List.of(".checkpoint-000000000003.bin.tmp", "checkpoint-000000000004.bin",
        "checkpoint-000000000004.json", "checkpoint-000000000005.bin", "checkpoint-000000000005.json"), files());
    store.latest(); // a starting shard clears temporaries
    assertEquals(List.of("checkpoint-000000000004.bin", "checkpoint-000000000004.json", "checkpoint-000000000005.bin",
        "checkpoint-000000000005.json"), files());
  }
}
