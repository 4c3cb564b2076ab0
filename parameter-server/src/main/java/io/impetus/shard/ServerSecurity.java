package io.impetus.shard;

import io.impetus.tls.ServerTls;
import io.impetus.wire.BearerToken;

/**
 * How a shard guards its edge: the bearer token every call must carry, TLS (or mutual TLS) on its port,
 * and the plaintext port left open for health probes that can present neither.
 *
 * @param token the job's bearer token ({@code --token-file}), or null: every caller is trusted
 * @param tls the shard's certificate and client-certificate policy ({@code --tls-*}), or null: plaintext
 * @param healthPort a second, plaintext port on the same bind address that serves only
 *     {@code grpc.health.v1} ({@code --health-port}; kubelet's gRPC probes speak no TLS), 0 for a free
 *     one, or null for none (health is then served on the main port only)
 */
public record ServerSecurity(BearerToken token, ServerTls tls, Integer healthPort) {
  /** No token, plaintext, no health port: the shard trusts every caller. */
  public static final ServerSecurity NONE = new ServerSecurity(null, null, null);

  /** Checks the health port's range. */
  public ServerSecurity {
    if (healthPort != null && (healthPort < 0 || healthPort > 65535)) {
      throw new IllegalArgumentException("--health-port must be in [0, 65535], got " + healthPort);
    }
  }

  /** A copy with {@code newToken} (null: none). */
  public ServerSecurity withToken(BearerToken newToken) {
    return new ServerSecurity(newToken, tls, healthPort);
  }

  /** A copy with {@code newTls} (null: plaintext). */
  public ServerSecurity withTls(ServerTls newTls) {
    return new ServerSecurity(token, newTls, healthPort);
  }
}
