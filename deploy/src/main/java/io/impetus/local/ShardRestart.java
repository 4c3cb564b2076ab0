package io.impetus.local;

import io.impetus.proto.StatusReply;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A shard process that died during a local run ({@code --crash-shard I:V}) and was started again from
 * its checkpoint.
 *
 * @param shard the shard index
 * @param crashVersion the version at which it died: every update up to it had been acknowledged
 * @param exitCode the dead process's exit code (137: killed, as by SIGKILL)
 */
record ShardRestart(int shard, long crashVersion, int exitCode) {

  /**
   * The restarts as summary.json's {@code restarts}: each with the version the new process restored
   * (from its final status) and the acknowledged updates lost, crash version minus restored version
   * (0 when the crash fell on a checkpoint).
   */
  static List<Map<String, Object>> toJson(List<ShardRestart> restarts, List<StatusReply> status) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (ShardRestart r : restarts) {
      long restored = r.restoredVersion(status);
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("shard", r.shard());
      m.put("exit_code", r.exitCode());
      m.put("crash_version", r.crashVersion());
      // -1: the new process found no checkpoint and started empty; then every update is lost.
      m.put("restored_version", restored);
      m.put("updates_lost", r.crashVersion() - Math.max(0, restored));
      out.add(m);
    }
    return out;
  }

  /** The version the restarted process restored, from its final status; -1 when it started empty. */
  long restoredVersion(List<StatusReply> status) {
    return status.stream().filter(s -> s.getShardIndex() == shard).findFirst()
        .map(StatusReply::getRestoredVersion).orElse(-1L);
  }

  /** One line for the terminal. */
  String describe(List<StatusReply> status) {
    long restored = restoredVersion(status);
    return String.format(java.util.Locale.ROOT,
        "restart: server-%d died at version %d (exit %d) and resumed from its checkpoint at version %d;"
            + " %d acknowledged updates lost",
        shard, crashVersion, exitCode, restored, crashVersion - Math.max(0, restored));
  }
}
