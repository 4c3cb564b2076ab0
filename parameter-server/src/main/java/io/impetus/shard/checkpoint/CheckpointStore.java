package io.impetus.shard.checkpoint;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One shard's checkpoint folder: {@code checkpoint-V.bin} (the {@link CheckpointFormat} file) and
 * {@code checkpoint-V.json} (its {@link CheckpointManifest}) for each checkpoint version V, both
 * written with {@link AtomicFiles}, the manifest last. Writing prunes all but the {@code keep} newest
 * complete checkpoints. Reading takes the newest checkpoint that verifies, and says in a WARN line
 * which file it passed over and why (no manifest, size or CRC mismatch, truncation).
 *
 * <p>Not thread-safe: one writer thread per shard writes; a starting shard reads before that.
 */
public final class CheckpointStore implements CheckpointWriter.Sink {
  private static final Logger log = LoggerFactory.getLogger(CheckpointStore.class);
  private static final Pattern NAME = Pattern.compile("checkpoint-(\\d{1,18})\\.(bin|json)");
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final Path dir;
  private final int shardIndex;
  private final int keep;

  /** The checkpoints of shard {@code shardIndex} in {@code dir}, keeping the {@code keep} newest. */
  public CheckpointStore(Path dir, int shardIndex, int keep) {
    this.dir = dir;
    this.shardIndex = shardIndex;
    this.keep = keep;
  }

  /** The folder. */
  public Path dir() {
    return dir;
  }

  /** The data file of checkpoint {@code version}. */
  public Path dataFile(long version) {
    return dir.resolve(String.format(Locale.ROOT, "checkpoint-%012d.bin", version));
  }

  /** The manifest of checkpoint {@code version}. */
  public Path manifestFile(long version) {
    return dir.resolve(String.format(Locale.ROOT, "checkpoint-%012d.json", version));
  }

  /** Writes {@code snapshot} as checkpoint {@code snapshot.version()}, then prunes the oldest. */
  @Override
  public void write(ShardSnapshot snapshot) throws IOException {
    Files.createDirectories(dir);
    long version = snapshot.version();
    Path data = dataFile(version);
    int crc = AtomicFiles.write(data, out -> CheckpointFormat.write(snapshot, out));
    CheckpointManifest manifest = new CheckpointManifest(CheckpointManifest.FORMAT, CheckpointFormat.VERSION, version,
        snapshot.layout().shardIndex(), snapshot.layout().numShards(),
        List.of(new CheckpointManifest.FileEntry(data.getFileName().toString(), Files.size(data), hex(crc))));
    byte[] json = JSON.writeValueAsBytes(manifest);
    AtomicFiles.write(manifestFile(version), out -> out.write(ByteBuffer.wrap(json)));
    prune();
  }

  /** Versions that have a manifest (complete checkpoints), newest first. */
  public List<Long> completeVersions() throws IOException {
    return versions("json");
  }

  /**
   * The newest checkpoint that verifies, or empty when the folder holds none (or does not exist).
   * Each newer one it passes over gets a WARN line naming its file and the reason.
   */
  public Optional<ShardSnapshot> latest() throws IOException {
    if (!Files.isDirectory(dir)) {
      return Optional.empty();
    }
    AtomicFiles.removeTemporaries(dir);
    TreeSet<Long> all = new TreeSet<>(Comparator.reverseOrder());
    all.addAll(versions("bin"));
    all.addAll(versions("json"));
    for (long version : all) {
      try {
        return Optional.of(read(version));
      } catch (CorruptCheckpointException | NoSuchFileException e) {
        Path file = e instanceof NoSuchFileException missing ? Path.of(missing.getFile()) : dataFile(version);
        String reason = e instanceof NoSuchFileException missing
            ? (missing.getReason() == null ? "missing" : missing.getReason()) : e.getMessage();
        log.warn("shard {}: checkpoint {} is unusable ({}): {}", shardIndex, file, reason,
            all.last() == version ? "no older checkpoint, the shard starts empty" : "using the previous one");
      }
    }
    return Optional.empty();
  }

  /** Reads and verifies checkpoint {@code version} against its manifest. */
  public ShardSnapshot read(long version) throws IOException {
    Path manifestPath = manifestFile(version);
    CheckpointManifest manifest;
    try {
      manifest = JSON.readValue(Files.readAllBytes(manifestPath), CheckpointManifest.class);
    } catch (NoSuchFileException e) {
      throw new NoSuchFileException(manifestPath.toString(), null, "no manifest: the write was interrupted");
    } catch (IOException e) {
      throw new CorruptCheckpointException("manifest " + manifestPath.getFileName() + " is unreadable: "
          + e.getMessage().lines().findFirst().orElse(""));
    }
    if (!CheckpointManifest.FORMAT.equals(manifest.format()) || manifest.checkpointVersion() != version
        || manifest.files() == null || manifest.files().size() != 1) {
      throw new CorruptCheckpointException("manifest " + manifestPath.getFileName() + " does not describe checkpoint "
          + version + " of one file");
    }
    CheckpointManifest.FileEntry entry = manifest.files().get(0);
    Path data = dir.resolve(entry.name());
    if (!data.equals(dataFile(version))) {
      throw new CorruptCheckpointException("manifest names file " + entry.name() + ", expected "
          + dataFile(version).getFileName());
    }
    long size = Files.size(data);
    if (size != entry.size()) {
      throw new CorruptCheckpointException((size < entry.size() ? "truncated" : "wrong size") + ": " + size
          + " bytes, the manifest says " + entry.size());
    }
    ShardSnapshot snapshot = CheckpointFormat.read(data);
    String crc = hex(trailerCrc(data, size));
    if (!crc.equals(entry.crc32c())) {
      throw new CorruptCheckpointException("CRC32C " + crc + " differs from the manifest's " + entry.crc32c());
    }
    if (snapshot.version() != version || snapshot.layout().shardIndex() != manifest.shardIndex()
        || snapshot.layout().numShards() != manifest.numShards()) {
      throw new CorruptCheckpointException("the file holds version " + snapshot.version() + " of shard "
          + snapshot.layout().shardIndex() + " of " + snapshot.layout().numShards() + ", the manifest names version "
          + version + " of shard " + manifest.shardIndex() + " of " + manifest.numShards());
    }
    return snapshot;
  }

  private static int trailerCrc(Path data, long size) throws IOException {
    try (FileChannel ch = FileChannel.open(data)) {
      ByteBuffer b = ByteBuffer.allocate(Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN);
      ch.read(b, size - Integer.BYTES);
      return b.getInt(0);
    }
  }

  /** Deletes every checkpoint but the {@code keep} newest complete ones, and files of interrupted writes. */
  void prune() throws IOException {
    List<Long> complete = completeVersions();
    List<Long> kept = complete.subList(0, Math.min(keep, complete.size()));
    TreeSet<Long> all = new TreeSet<>(versions("bin"));
    all.addAll(complete);
    for (long version : all) {
      if (!kept.contains(version)) {
        // The manifest first: a checkpoint without one is incomplete, never half-deleted and complete.
        Files.deleteIfExists(manifestFile(version));
        Files.deleteIfExists(dataFile(version));
      }
    }
    AtomicFiles.syncFolder(dir);
  }

  /** Versions of the files ending in {@code .extension}, newest first. */
  private List<Long> versions(String extension) throws IOException {
    List<Long> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "checkpoint-*." + extension)) {
      for (Path f : files) {
        Matcher m = NAME.matcher(f.getFileName().toString());
        if (m.matches()) {
          out.add(Long.parseLong(m.group(1)));
        }
      }
    }
    out.sort(Comparator.reverseOrder());
    return out;
  }

  private static String hex(int crc) {
    return String.format(Locale.ROOT, "%08x", crc);
  }
}
