package io.impetus.cli;

import io.impetus.shard.checkpoint.CheckpointSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.cli.Options;

/** The checkpoint flags, shared by {@code server} and {@code local} (see docs/checkpoints.md). */
public final class CheckpointFlags {
  private CheckpointFlags() {}

  /** The environment variables that stand in for the flags on {@code impetus server}. */
  public static final List<EnvVar> ENVIRONMENT = List.of(
      EnvVar.forFlag("IMPETUS_CHECKPOINT_DIR", "checkpoint-dir"),
      EnvVar.forFlag("IMPETUS_CHECKPOINT_INTERVAL", "checkpoint-interval"),
      EnvVar.forFlag("IMPETUS_KEEP_CHECKPOINTS", "keep-checkpoints"));

  /** Adds the flags; {@code dirDefault} says what happens without {@code --checkpoint-dir}. */
  public static void addTo(Options o, String dirDefault) {
    o.addOption(OptimizerFlags.valued("checkpoint-dir", "DIR",
        "write checkpoints of each shard's state (parameters, optimizer state, version) to DIR/shard-I, and restore"
            + " a shard from its newest complete one there when it starts (" + dirDefault + ")"));
    o.addOption(OptimizerFlags.valued("checkpoint-interval", "K",
        "checkpoint whenever a shard's version (updates applied) is a multiple of K; 0: only when it stops"
            + " (a signal, the end of the run) (default 0)"));
    o.addOption(OptimizerFlags.valued("keep-checkpoints", "N",
        "complete checkpoints each shard keeps, the newest; older ones are deleted (default "
            + CheckpointSettings.DEFAULT_KEEP + ")"));
  }

  /**
   * The settings the flags give. Without {@code --checkpoint-dir}: {@code defaultDir} ({@code impetus
   * local}'s run folder, where its shards write at least their final checkpoint), or no checkpoints
   * when it is null ({@code impetus server}).
   */
  public static CheckpointSettings parse(Flags f, Path defaultDir) {
    long interval = f.longOrNull("checkpoint-interval") == null ? 0 : f.longOrNull("checkpoint-interval");
    int keep = f.integer("keep-checkpoints", CheckpointSettings.DEFAULT_KEEP);
    String dir = f.string("checkpoint-dir");
    Path folder = dir != null ? Path.of(dir) : defaultDir;
    if (folder == null && f.string("keep-checkpoints") != null) {
      throw new UsageException("--keep-checkpoints needs --checkpoint-dir");
    }
    try {
      return new CheckpointSettings(folder, interval, keep);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }

  /** The flags that reproduce {@code s}. */
  public static List<String> toArgs(CheckpointSettings s) {
    List<String> a = new ArrayList<>();
    if (s.enabled()) {
      OptimizerFlags.add(a, "checkpoint-dir", s.dir().toString());
      OptimizerFlags.add(a, "checkpoint-interval", Long.toString(s.interval()));
      OptimizerFlags.add(a, "keep-checkpoints", Integer.toString(s.keep()));
    }
    return a;
  }
}
