package io.impetus.shard;

import io.grpc.BindableService;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import io.impetus.proto.ShardGrpc;

/**
 * A shard's answers to the standard gRPC health protocol ({@code grpc.health.v1.Health}), which
 * Kubernetes {@code grpc:} probes and grpc_health_probe speak.
 *
 * <p>Two service names, because "alive" and "ready" mean different things for a shard: the empty
 * name ({@link #LIVENESS}) is SERVING as soon as the server runs, so a liveness probe never kills a
 * shard that simply has not been initialized yet; {@link #READINESS} ({@code impetus.v1.Shard}) is
 * SERVING only once a worker has initialized the shard's parameters. Both turn NOT_SERVING, for
 * good, when the shard starts shutting down. Thread-safe.
 */
public final class ShardHealth {
  /** The health service name a liveness probe asks for: the server as a whole. */
  public static final String LIVENESS = HealthStatusManager.SERVICE_NAME_ALL_SERVICES;
  /** The health service name a readiness probe asks for: the shard holds parameters. */
  public static final String READINESS = ShardGrpc.SERVICE_NAME;

  private final HealthStatusManager manager = new HealthStatusManager();
  private boolean ready;
  private boolean stopping;

  /** Alive, not ready. */
  ShardHealth() {
    manager.setStatus(LIVENESS, ServingStatus.SERVING);
    manager.setStatus(READINESS, ServingStatus.NOT_SERVING);
  }

  BindableService service() {
    return manager.getHealthService();
  }

  /** Ready once {@code initialized}; a shard never becomes un-initialized, so this only moves forward. */
  synchronized void initialized(boolean initialized) {
    if (initialized && !ready && !stopping) {
      ready = true;
      manager.setStatus(READINESS, ServingStatus.SERVING);
    }
  }

  /** Everything NOT_SERVING from now on (probes and watchers see it before the server stops). */
  synchronized void stopping() {
    if (!stopping) {
      stopping = true;
      manager.enterTerminalState();
    }
  }
}
