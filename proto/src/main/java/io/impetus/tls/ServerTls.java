package io.impetus.tls;

import io.grpc.ServerCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.TlsServerCredentials.ClientAuth;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * How a shard speaks TLS: its certificate chain and PKCS#8 key (PEM files), and whether it asks its
 * clients for certificates signed by the CA in {@code clientCa} (mutual TLS). The files are read when
 * {@link #credentials} is called (at server start), so a restarted shard picks up renewed files.
 *
 * @param cert the shard's certificate chain ({@code --tls-cert}), leaf first
 * @param key the shard's private key ({@code --tls-key})
 * @param clientCa the CA whose client certificates are trusted ({@code --tls-ca}), or null
 * @param clientAuth NONE (no client certificate asked for), OPTIONAL (checked when presented), REQUIRE
 *     (a client without a certificate the CA signed cannot connect); not NONE only with a {@code clientCa}
 */
public record ServerTls(Path cert, Path key, Path clientCa, ClientAuth clientAuth) {

  /** Checks that the settings fit together (the files themselves are checked by {@link PemFiles}). */
  public ServerTls {
    if (cert == null || key == null) {
      throw new IllegalArgumentException("--tls-cert and --tls-key go together: TLS needs both");
    }
    if (clientAuth == null) {
      clientAuth = clientCa == null ? ClientAuth.NONE : ClientAuth.REQUIRE;
    }
    if (clientAuth != ClientAuth.NONE && clientCa == null) {
      throw new IllegalArgumentException("--tls-client-auth " + cliName(clientAuth) + " needs --tls-ca (the CA that"
          + " signs the clients' certificates)");
    }
  }

  /** The flag value of {@code auth}: none, optional or require. */
  public static String cliName(ClientAuth auth) {
    return auth.name().toLowerCase(java.util.Locale.ROOT);
  }

  /** {@code none}, {@code optional} or {@code require} as the enum; an unknown value names the choices. */
  public static ClientAuth parseClientAuth(String value) {
    for (ClientAuth a : ClientAuth.values()) {
      if (cliName(a).equals(value)) {
        return a;
      }
    }
    throw new IllegalArgumentException("expected none, optional or require, got '" + value + "'");
  }

  /** gRPC server credentials from the files as they are now. */
  public ServerCredentials credentials() {
    try {
      TlsServerCredentials.Builder b = TlsServerCredentials.newBuilder().keyManager(cert.toFile(), key.toFile());
      if (clientCa != null) {
        b.trustManager(clientCa.toFile());
      }
      return b.clientAuth(clientAuth).build();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the shard's TLS files: " + e.getMessage(), e);
    }
  }
}
