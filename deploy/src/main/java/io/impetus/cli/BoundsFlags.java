package io.impetus.cli;

import io.impetus.shard.ServerLimits;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.commons.cli.Options;

/**
 * The flags of {@code server} that bound what callers may make a shard hold ({@link ServerLimits}),
 * each with an IMPETUS_* fallback; absent ones take {@link ServerLimits#defaults} for the job's
 * {@code --workers}. See docs/usage.md and the Bounds section of docs/security.md.
 */
public final class BoundsFlags {
  private BoundsFlags() {}

  /** The environment variables that stand in for the flags. */
  public static final List<EnvVar> ENVIRONMENT = List.of(
      EnvVar.forFlag("IMPETUS_MAX_CONNECTIONS", "max-connections"),
      EnvVar.forFlag("IMPETUS_MAX_CALLS_PER_CONNECTION", "max-calls-per-connection"),
      EnvVar.forFlag("IMPETUS_KEEPALIVE_MIN", "keepalive-min"),
      EnvVar.forFlag("IMPETUS_MAX_CONNECTION_IDLE", "max-connection-idle"),
      EnvVar.forFlag("IMPETUS_MAX_MESSAGE_BYTES", "max-message-bytes"),
      EnvVar.forFlag("IMPETUS_MAX_METADATA_BYTES", "max-metadata-bytes"),
      EnvVar.forFlag("IMPETUS_STREAM_IDLE_TIMEOUT", "stream-idle-timeout"),
      EnvVar.forFlag("IMPETUS_MAX_REPLY_BUFFER_MIB", "max-reply-buffer-mib"),
      EnvVar.forFlag("IMPETUS_MAX_QUEUED_CALLS", "max-queued-calls"));

  /** Adds the flags. */
  public static void addTo(Options o) {
    o.addOption(OptimizerFlags.valued("max-connections", "N",
        "serve calls on at most N connections at once; calls on others get RESOURCE_EXHAUSTED (default 4 per worker + 16)"));
    o.addOption(OptimizerFlags.valued("max-calls-per-connection", "N",
        "concurrent calls one connection may have open (default 100)"));
    o.addOption(OptimizerFlags.valued("keepalive-min", "SECONDS",
        "disconnect a client that sends keepalive pings more often than this, or with no call open (default 20)"));
    o.addOption(OptimizerFlags.valued("max-connection-idle", "SECONDS",
        "close a connection that has had no call for this long; its client reconnects when it calls (default 600)"));
    o.addOption(OptimizerFlags.valued("max-message-bytes", "BYTES",
        "largest message a client may send (default 4194304; a chunk of floats is at most 2 MiB)"));
    o.addOption(OptimizerFlags.valued("max-metadata-bytes", "BYTES",
        "largest header block a client may send (default 8192)"));
    o.addOption(OptimizerFlags.valued("stream-idle-timeout", "SECONDS",
        "cancel a push stream whose client sends nothing for this long while the shard waits for its chunks,"
            + " and free its worker's push slot (default 60)"));
    o.addOption(OptimizerFlags.valued("max-reply-buffer-mib", "MIB",
        "replies held for callers that have not read them, across calls, beyond which replies get"
            + " RESOURCE_EXHAUSTED (default 0: two slices per worker, at least 64 MiB)"));
    o.addOption(OptimizerFlags.valued("max-queued-calls", "N",
        "calls waiting for the update loop beyond which new ones get RESOURCE_EXHAUSTED (default 64 per worker,"
            + " at least 1024)"));
  }

  /** The limits the flags (or their variables) ask for, over the defaults for {@code workers}. */
  public static ServerLimits parse(Flags f, int workers) {
    ServerLimits d = ServerLimits.defaults(workers);
    try {
      return new ServerLimits(
          f.integer("max-connections", d.maxConnections()),
          f.integer("max-calls-per-connection", d.maxCallsPerConnection()),
          millis(f, "keepalive-min", d.keepAliveMinMillis()),
          millis(f, "max-connection-idle", d.maxConnectionIdleMillis()),
          f.integer("max-message-bytes", d.maxMessageBytes()),
          f.integer("max-metadata-bytes", d.maxMetadataBytes()),
          millis(f, "stream-idle-timeout", d.streamIdleTimeoutMillis()),
          mebibytes(f, "max-reply-buffer-mib", d.maxReplyBufferBytes()),
          f.integer("max-queued-calls", d.maxQueuedTasks()));
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }

  private static long millis(Flags f, String flag, long fallbackMillis) {
    double seconds = f.number(flag, fallbackMillis / 1000.0);
    if (seconds < 0) {
      throw new UsageException("--" + flag + " must be >= 0 seconds, got " + seconds);
    }
    return Math.round(seconds * 1000);
  }

  private static long mebibytes(Flags f, String flag, long fallbackBytes) {
    Long mib = f.longOrNull(flag);
    if (mib == null) {
      return fallbackBytes;
    }
    if (mib < 0 || mib > Long.MAX_VALUE >> 20) {
      throw new UsageException("--" + flag + " must be in [0, " + (Long.MAX_VALUE >> 20) + "], got " + mib);
    }
    return mib << 20;
  }

  /** The flags that reproduce {@code limits} for a job of {@code workers}: only those that differ from the defaults. */
  public static List<String> toArgs(ServerLimits limits, int workers) {
    ServerLimits d = ServerLimits.defaults(workers);
    List<String> a = new ArrayList<>();
    addIfOther(a, "max-connections", limits.maxConnections(), d.maxConnections());
    addIfOther(a, "max-calls-per-connection", limits.maxCallsPerConnection(), d.maxCallsPerConnection());
    addSecondsIfOther(a, "keepalive-min", limits.keepAliveMinMillis(), d.keepAliveMinMillis());
    addSecondsIfOther(a, "max-connection-idle", limits.maxConnectionIdleMillis(), d.maxConnectionIdleMillis());
    addIfOther(a, "max-message-bytes", limits.maxMessageBytes(), d.maxMessageBytes());
    addIfOther(a, "max-metadata-bytes", limits.maxMetadataBytes(), d.maxMetadataBytes());
    addSecondsIfOther(a, "stream-idle-timeout", limits.streamIdleTimeoutMillis(), d.streamIdleTimeoutMillis());
    if (limits.maxReplyBufferBytes() != d.maxReplyBufferBytes()) {
      // Whole MiB round-trip; a bound set in bytes elsewhere is rounded up to the next MiB.
      OptimizerFlags.add(a, "max-reply-buffer-mib", Long.toString((limits.maxReplyBufferBytes() + (1 << 20) - 1) >> 20));
    }
    addIfOther(a, "max-queued-calls", limits.maxQueuedTasks(), d.maxQueuedTasks());
    return a;
  }

  private static void addIfOther(List<String> a, String flag, long value, long fallback) {
    if (value != fallback) {
      OptimizerFlags.add(a, flag, Long.toString(value));
    }
  }

  private static void addSecondsIfOther(List<String> a, String flag, long millis, long fallbackMillis) {
    if (millis != fallbackMillis) {
      OptimizerFlags.add(a, flag, String.format(Locale.ROOT, "%.3f", millis / 1000.0));
    }
  }
}
