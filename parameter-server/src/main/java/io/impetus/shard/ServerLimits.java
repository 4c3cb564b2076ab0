package io.impetus.shard;

/**
 * How much a shard lets its callers make it hold: connections, calls, idle streams, queued work and
 * unread replies. Each bound turns what would be unbounded growth (memory, threads, a stalled sync
 * round) into a refusal with a gRPC status that names the bound, so a misbehaving or hostile client
 * costs the shard at most these amounts. {@link #defaults(int)} derives them from the number of
 * workers; docs/security.md ({@code ## Bounds}) explains each.
 *
 * @param maxConnections open gRPC connections beyond which calls on a new connection are refused with
 *     RESOURCE_EXHAUSTED ({@code --max-connections})
 * @param maxCallsPerConnection concurrent calls one connection may have open (HTTP/2
 *     MAX_CONCURRENT_STREAMS; {@code --max-calls-per-connection})
 * @param keepAliveMinMillis the shortest interval between a client's keepalive pings; a client that
 *     pings more often, or at all while it has no call open, is disconnected ({@code --keepalive-min})
 * @param maxConnectionIdleMillis a connection without a call for this long is closed gracefully (the
 *     client reconnects on its next call; {@code --max-connection-idle})
 * @param maxMessageBytes the largest message a client may send (a chunk of floats is at most 2 MiB;
 *     {@code --max-message-bytes})
 * @param maxMetadataBytes the largest header block a client may send ({@code --max-metadata-bytes})
 * @param streamIdleTimeoutMillis a push stream whose client sends nothing for this long while the shard
 *     waits for its chunks is cancelled and its worker's push slot freed ({@code --stream-idle-timeout})
 * @param maxReplyBufferBytes bytes of replies the shard holds for callers that have not read them yet,
 *     across all calls, beyond which a reply is refused with RESOURCE_EXHAUSTED; 0: twice one slice per
 *     worker, at least {@link #MIN_AUTO_REPLY_BUFFER_BYTES} ({@code --max-reply-buffer-mib})
 * @param maxQueuedTasks calls waiting for the update loop beyond which new calls are refused with
 *     RESOURCE_EXHAUSTED ({@code --max-queued-calls})
 */
public record ServerLimits(
    int maxConnections,
    int maxCallsPerConnection,
    long keepAliveMinMillis,
    long maxConnectionIdleMillis,
    int maxMessageBytes,
    int maxMetadataBytes,
    long streamIdleTimeoutMillis,
    long maxReplyBufferBytes,
    int maxQueuedTasks) {

  /** The floor of the derived reply buffer: small slices still get room for bursts of pulls. */
  public static final long MIN_AUTO_REPLY_BUFFER_BYTES = 64L << 20;
  /** Default {@code --stream-idle-timeout}: a minute, the default worker lease. */
  public static final long DEFAULT_STREAM_IDLE_TIMEOUT_MILLIS = 60_000;

  /** Validates ranges with messages that name the command-line flag. */
  public ServerLimits {
    requireAtLeast(maxConnections, 1, "--max-connections");
    requireAtLeast(maxCallsPerConnection, 1, "--max-calls-per-connection");
    requireAtLeast(keepAliveMinMillis, 0, "--keepalive-min (ms)");
    requireAtLeast(maxConnectionIdleMillis, 1, "--max-connection-idle (ms)");
    requireAtLeast(maxMessageBytes, 64 * 1024, "--max-message-bytes");
    requireAtLeast(maxMetadataBytes, 1024, "--max-metadata-bytes");
    requireAtLeast(streamIdleTimeoutMillis, 1, "--stream-idle-timeout (ms)");
    requireAtLeast(maxReplyBufferBytes, 0, "--max-reply-buffer-mib (bytes)");
    requireAtLeast(maxQueuedTasks, 1, "--max-queued-calls");
  }

  private static void requireAtLeast(long value, long min, String flag) {
    if (value < min) {
      throw new IllegalArgumentException(flag + " must be at least " + min + ", got " + value);
    }
  }

  /**
   * The defaults for a job of {@code workers} workers: each worker opens one connection per shard and
   * a few calls on it, and reconnects when a shard restarts, so 4 connections per worker and 16 more
   * (the launcher, probes, an operator's status call); 64 queued calls per worker (at least 1024);
   * keepalive pings at most every 20 s; idle connections closed after 10 min; messages up to 4 MiB
   * (gRPC's default, twice the largest chunk); 8 KiB of metadata; push streams idle for 60 s
   * cancelled; the reply buffer derived from the slice ({@link #replyBufferBytes}).
   */
  public static ServerLimits defaults(int workers) {
    int n = Math.max(1, workers);
    return new ServerLimits(saturatedInt(4L * n + 16), 100, 20_000, 600_000, 4 << 20, 8 << 10,
        DEFAULT_STREAM_IDLE_TIMEOUT_MILLIS, 0, saturatedInt(Math.max(1024, 64L * n)));
  }

  private static int saturatedInt(long v) {
    return (int) Math.min(Integer.MAX_VALUE, v);
  }

  /**
   * The reply buffer for a slice of {@code sliceLength} floats and {@code workers} workers: the
   * explicit bound, or room for two float32 replies per worker (a sync round answers all of them at
   * once, and each may pull besides), at least {@link #MIN_AUTO_REPLY_BUFFER_BYTES}.
   */
  public long replyBufferBytes(int sliceLength, int workers) {
    if (maxReplyBufferBytes > 0) {
      return maxReplyBufferBytes;
    }
    return Math.max(MIN_AUTO_REPLY_BUFFER_BYTES, 2L * Math.max(1, workers) * Math.max(0, sliceLength) * Float.BYTES);
  }

  /** A copy whose push streams may stay silent for {@code millis}. */
  public ServerLimits withStreamIdleTimeoutMillis(long millis) {
    return new ServerLimits(maxConnections, maxCallsPerConnection, keepAliveMinMillis, maxConnectionIdleMillis,
        maxMessageBytes, maxMetadataBytes, millis, maxReplyBufferBytes, maxQueuedTasks);
  }

  /** A copy that holds at most {@code bytes} of unread replies (0: derived from the slice). */
  public ServerLimits withMaxReplyBufferBytes(long bytes) {
    return new ServerLimits(maxConnections, maxCallsPerConnection, keepAliveMinMillis, maxConnectionIdleMillis,
        maxMessageBytes, maxMetadataBytes, streamIdleTimeoutMillis, bytes, maxQueuedTasks);
  }

  /** A copy that queues at most {@code tasks} calls for the update loop. */
  public ServerLimits withMaxQueuedTasks(int tasks) {
    return new ServerLimits(maxConnections, maxCallsPerConnection, keepAliveMinMillis, maxConnectionIdleMillis,
        maxMessageBytes, maxMetadataBytes, streamIdleTimeoutMillis, maxReplyBufferBytes, tasks);
  }

  /** A copy that serves at most {@code connections} connections at once. */
  public ServerLimits withMaxConnections(int connections) {
    return new ServerLimits(connections, maxCallsPerConnection, keepAliveMinMillis, maxConnectionIdleMillis,
        maxMessageBytes, maxMetadataBytes, streamIdleTimeoutMillis, maxReplyBufferBytes, maxQueuedTasks);
  }
}
