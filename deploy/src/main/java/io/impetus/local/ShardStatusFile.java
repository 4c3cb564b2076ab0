package io.impetus.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.impetus.json.FiniteJson;
import io.impetus.proto.StatusReply;
import io.impetus.shard.ConsistencyMode;
import io.impetus.shard.ServerConfig;
import io.impetus.shard.checkpoint.CheckpointSettings;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A shard's status file ({@link RunLayout#shardStatus}): what {@code impetus local} asks every shard
 * for over gRPC at the end, kept on disk for {@code impetus summarize}. One JSON object: {@code
 * settings} (what the shard was started with, as summary.json names it), {@code status} (its
 * {@link StatusReply}, in protobuf's JSON mapping), {@code final} (true once written as the shard
 * stopped; false while it runs) and {@code reason} (why it stopped, or {@code running}).
 *
 * <p>Each write goes to a temporary file in the same folder that is then renamed over the old one,
 * so a reader (or a pod killed mid-write) never sees half a file.
 *
 * @param settings the shard's settings
 * @param status its status when the file was written
 * @param complete whether the shard wrote it as it stopped (its last word)
 * @param reason why it stopped, or {@code running}
 */
public record ShardStatusFile(JsonNode settings, StatusReply status, boolean complete, String reason) {
  private static final ObjectMapper JSON = FiniteJson.MAPPER;
  private static final JsonFormat.Printer PRINTER =
      JsonFormat.printer().includingDefaultValueFields().preservingProtoFieldNames();
  private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();

  /** The reason a file written while the shard runs gives. */
  public static final String RUNNING = "running";

  /**
   * Writes {@code status} of the shard {@code config} describes to {@code file}, atomically.
   *
   * @param complete true for the file written as the shard stops
   * @param reason why it stopped, or {@link #RUNNING}
   */
  public static void write(Path file, ServerConfig config, StatusReply status, boolean complete, String reason)
      throws IOException {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("settings", settings(config));
    root.put("final", complete);
    root.put("reason", reason);
    root.put("status", JSON.readTree(PRINTER.print(status)));
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
    try {
      Files.writeString(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n");
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * Reads a status file.
   *
   * @throws IllegalArgumentException naming the file when it is not a shard status file
   * @throws IOException when it cannot be read
   */
  public static ShardStatusFile read(Path file) throws IOException {
    JsonNode root;
    try {
      root = JSON.readTree(file.toFile());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException(file + " is not a shard status file: not JSON, or cut short (at line "
          + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")");
    }
    if (root == null || !root.path("settings").isObject() || !root.path("status").isObject()) {
      throw new IllegalArgumentException(file + " is not a shard status file: it needs the objects settings and status");
    }
    StatusReply.Builder status = StatusReply.newBuilder();
    try {
      PARSER.merge(JSON.writeValueAsString(root.get("status")), status);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException(file + " holds no valid shard status: " + e.getMessage());
    }
    return new ShardStatusFile(root.get("settings"), status.build(), root.path("final").asBoolean(false),
        root.path("reason").asText(RUNNING));
  }

  /** What a shard's configuration contributes to summary.json, named as summary.json names it. */
  static Map<String, Object> settings(ServerConfig c) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("shard", c.shardIndex());
    s.put("shards", c.numShards());
    s.put("workers", c.workers());
    s.put("mode", c.mode().cliName());
    s.put("backup_workers", c.backupWorkers());
    if (c.mode() == ConsistencyMode.SSP) {
      s.put("staleness_bound", c.stalenessBound());
    }
    s.put("worker_timeout_seconds", c.workerTimeoutMillis() / 1000.0);
    s.put("staleness_policy", c.policy().spec());
    s.put("optimizer", c.optimizer().describe());
    CheckpointSettings checkpoints = c.checkpoints();
    if (checkpoints.enabled()) {
      Map<String, Object> k = new LinkedHashMap<>();
      k.put("dir", checkpoints.dir().toString());
      k.put("interval", checkpoints.interval());
      k.put("keep", checkpoints.keep());
      s.put("checkpoints", k);
    }
    return s;
  }
}
