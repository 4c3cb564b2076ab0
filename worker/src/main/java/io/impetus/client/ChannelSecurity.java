package io.impetus.client;

import io.impetus.tls.ClientTls;
import io.impetus.wire.BearerToken;

/**
 * What a client's channels to the shards carry for the shards to trust them: the job's bearer token
 * on every call, and TLS (with a client certificate for mutual TLS). {@link ShardChannels#open} builds
 * its channels from it.
 *
 * @param token the job's bearer token ({@code --token-file}), or null for shards that trust every caller
 * @param tls the CA trusted for the shards' certificates and the client's own certificate
 *     ({@code --tls-ca}, {@code --tls-cert}, {@code --tls-key}), or null for plaintext
 */
public record ChannelSecurity(BearerToken token, ClientTls tls) {
  /** Plaintext, no token: for shards that trust every caller. */
  public static final ChannelSecurity NONE = new ChannelSecurity(null, null);
}
