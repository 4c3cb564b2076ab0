package io.impetus.shard;

import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.impetus.proto.ShardGrpc;
import java.util.function.LongSupplier;

/**
 * Remembers when a worker last called the shard, for {@code --idle-timeout}. Every call of the
 * {@code impetus.v1.Shard} service counts (join, pushes, pulls, heartbeats, leave) except Status,
 * which launchers and humans use to look, not to train; so does every message a worker
 * sends on a streaming call, and every push on the doorbell ({@link #touch}). Health checks, reflection and metrics
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
      // A push stream lives as long as its worker trains: each message on it is activity too.
      return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(next.startCall(call, headers)) {
        @Override
        public void onMessage(Q message) {
          lastNanos = clock.getAsLong();
          super.onMessage(message);
        }
      };
    }
    return next.startCall(call, headers);
  }

  /** Counts activity that does not come through gRPC (a push on the shard's doorbell). */
  void touch() {
    lastNanos = clock.getAsLong();
  }

  /** Nanoseconds (on the clock) since the last worker call. */
  long idleNanos() {
    return clock.getAsLong() - lastNanos;
  }
}
