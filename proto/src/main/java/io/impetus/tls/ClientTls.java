package io.impetus.tls;

import io.grpc.ChannelCredentials;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * How a client (a worker, or the local launcher) speaks TLS to the shards: the CA it trusts for the
 * shards' certificates and, for mutual TLS, its own certificate and PKCS#8 key (PEM files). The
 * shard's certificate must name the address the client dials (hostname verification stays on), so
 * {@code impetus certs --shard-hosts} lists every name the shards are reached by.
 *
 * @param ca the CA that signed the shards' certificates ({@code --tls-ca})
 * @param cert the client's certificate chain for mutual TLS ({@code --tls-cert}), or null
 * @param key the client's private key ({@code --tls-key}), or null (with {@code cert})
 */
public record ClientTls(Path ca, Path cert, Path key) {

  /** Checks that the settings fit together (the files themselves are checked by {@link PemFiles}). */
  public ClientTls {
    if (ca == null) {
      throw new IllegalArgumentException("--tls-ca is required for TLS to the shards (the CA that signed their"
          + " certificates)");
    }
    if ((cert == null) != (key == null)) {
      throw new IllegalArgumentException("--tls-cert and --tls-key go together: a client certificate needs its key");
    }
  }

  /** Whether the client presents a certificate of its own (mutual TLS). */
  public boolean mutual() {
    return cert != null;
  }

  /** gRPC channel credentials from the files as they are now. */
  public ChannelCredentials credentials() {
    try {
      TlsChannelCredentials.Builder b = TlsChannelCredentials.newBuilder().trustManager(ca.toFile());
      if (mutual()) {
        b.keyManager(cert.toFile(), key.toFile());
      }
      return b.build();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the client's TLS files: " + e.getMessage(), e);
    }
  }
}
