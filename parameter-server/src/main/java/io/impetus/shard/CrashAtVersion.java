package io.impetus.shard;

import io.impetus.shard.checkpoint.Checkpointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fault injection ({@code impetus server --crash-at-version V}): the shard process dies abruptly,
 * exit code 137 as after SIGKILL, right after applying the update that makes its version V. Before
 * dying it lets the checkpoints already handed to the writer reach the disk, so that where a
 * restarted shard resumes depends only on V and the checkpoint interval (the newest multiple of K
 * not above V), not on how fast the disk was: a crash at a checkpointed version loses nothing.
 * Nothing else is flushed: replies not yet sent are never sent, and the workers see the shard vanish.
 */
final class CrashAtVersion {
  private static final Logger log = LoggerFactory.getLogger(CrashAtVersion.class);

  /** The line the dying shard prints on stdout, followed by its version; the local launcher reads it. */
  static final String CRASHING = "IMPETUS_CRASHING";

  private final int shardIndex;
  private final long version;

  /** @param version the version to die at; 0: never */
  CrashAtVersion(int shardIndex, long version) {
    this.shardIndex = shardIndex;
    this.version = version;
  }

  /** Called on the update loop after every update: dies if {@code current} is the version to die at. */
  void afterUpdate(long current, Checkpointer checkpoints) {
    if (version == 0 || current != version) {
      return;
    }
    checkpoints.close(); // waits until the snapshots handed over so far are written
    log.error("shard {}: crashing on purpose at version {} (--crash-at-version); newest checkpoint: version {}",
        shardIndex, current, checkpoints.lastVersion());
    System.out.println(CRASHING + " " + current);
    System.out.flush();
    Runtime.getRuntime().halt(137);
  }
}
