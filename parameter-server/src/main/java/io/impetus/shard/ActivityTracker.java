package io.impetus.shard;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.impetus.proto.ShardGrpc;
import java.util.function.LongSupplier;

/**
 * Remembers when a worker last called the shard, for {@code --idle-timeout}. Every call of the
 * {@code impetus.v1.Shard} service counts (join, pushes, pulls, heartbeats, leave) except Status,
 * which launchers and humans use to look, not to train; health checks, reflection and metrics
 * scrapes are other services and do not count either. Thread-safe: it only writes a volatile.
 */
final class ActivityTracker implements ServerInterceptor {
  private final LongSupplier clock;
  private volatile long lastNanos;

  /** Activity measured on {@code clock}; the server's start counts as activity. */
  ActivityTracker(LongSupplier clock) {
    this.clock = clock;
    this.lastNanos = clock.getAsLong();
  }

  @Override
  public <Q, A> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
    String method = call.getMethodDescriptor().getFullMethodName();
    if (method.startsWith(ShardGrpc.SERVICE_NAME + "/") && !method.equals(ShardGrpc.getStatusMethod().getFullMethodName())) {
      lastNanos = clock.getAsLong();
    }
    return next.startCall(call, headers);
  }

  /** Nanoseconds (on the clock) since the last worker call. */
  long idleNanos() {
    return clock.getAsLong() - lastNanos;
  }
}
