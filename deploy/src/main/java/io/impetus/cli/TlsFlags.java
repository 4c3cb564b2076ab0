package io.impetus.cli;

import io.grpc.TlsServerCredentials.ClientAuth;
import io.impetus.tls.ClientTls;
import io.impetus.tls.PemFiles;
import io.impetus.tls.ServerTls;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.cli.Options;

/**
 * {@code --tls-cert}, {@code --tls-key}, {@code --tls-ca} and (on {@code server}) {@code
 * --tls-client-auth}: TLS between workers and shards (docs/security.md, Encryption). On a shard, the
 * certificate and key turn TLS on, and the CA is the one whose client certificates it trusts; on a
 * worker, the CA is the one it trusts for the shards' certificates, and certificate and key are its
 * own, for mutual TLS. Every file is read and checked when the flags are parsed, so a missing file, a
 * file that is not PEM or a key that does not match its certificate is a usage error naming the flag
 * before anything starts.
 */
public final class TlsFlags {
  private TlsFlags() {}

  public static final String CERT = "tls-cert";
  public static final String KEY = "tls-key";
  public static final String CA = "tls-ca";
  public static final String CLIENT_AUTH = "tls-client-auth";

  /** The variables that stand in for a client's flags (in Kubernetes: paths in the mounted Secret). */
  public static final List<EnvVar> CLIENT_ENVIRONMENT = List.of(
      EnvVar.forFlag("IMPETUS_TLS_CA", CA),
      EnvVar.forFlag("IMPETUS_TLS_CERT", CERT),
      EnvVar.forFlag("IMPETUS_TLS_KEY", KEY));

  /** The variables that stand in for a shard's flags. */
  public static final List<EnvVar> SERVER_ENVIRONMENT = List.of(
      EnvVar.forFlag("IMPETUS_TLS_CERT", CERT),
      EnvVar.forFlag("IMPETUS_TLS_KEY", KEY),
      EnvVar.forFlag("IMPETUS_TLS_CA", CA),
      EnvVar.forFlag("IMPETUS_TLS_CLIENT_AUTH", CLIENT_AUTH));

  /** Adds a shard's flags. */
  public static void addServerTo(Options o) {
    o.addOption(OptimizerFlags.valued(CERT, "FILE",
        "serve TLS with this PEM certificate chain (with --tls-key; default: plaintext)"));
    o.addOption(OptimizerFlags.valued(KEY, "FILE", "the PKCS#8 PEM private key of --tls-cert"));
    o.addOption(OptimizerFlags.valued(CA, "FILE",
        "trust client certificates signed by this PEM CA (mutual TLS; needs --tls-cert)"));
    o.addOption(OptimizerFlags.valued(CLIENT_AUTH, "MODE",
        "none, optional or require a client certificate signed by --tls-ca (default: require with --tls-ca,"
            + " else none)"));
  }

  /** Adds a client's flags; {@code who} names the client in help ("the worker"). */
  public static void addClientTo(Options o, String who) {
    o.addOption(OptimizerFlags.valued(CA, "FILE",
        "connect to the shards over TLS, trusting shard certificates this PEM CA signed (default: plaintext);"
            + " each shard's certificate must name the address " + who + " dials"));
    o.addOption(OptimizerFlags.valued(CERT, "FILE",
        "with --tls-ca: present this PEM client certificate (mutual TLS; with --tls-key)"));
    o.addOption(OptimizerFlags.valued(KEY, "FILE", "the PKCS#8 PEM private key of --tls-cert"));
  }

  /** A shard's TLS settings from the flags, files checked, or null for plaintext. */
  public static ServerTls server(Flags f) {
    Path cert = path(f, CERT);
    Path key = path(f, KEY);
    Path ca = path(f, CA);
    try {
      ClientAuth auth = f.choice(CLIENT_AUTH, null, ServerTls::parseClientAuth);
      if (cert == null && key == null) {
        if (ca != null || auth != null) {
          throw new UsageException("--" + (ca != null ? CA : CLIENT_AUTH) + " needs --" + CERT + " and --" + KEY
              + " (the shard's own certificate, which turns TLS on)");
        }
        return null;
      }
      ServerTls tls = new ServerTls(cert, key, ca, auth);
      checkPair(cert, key);
      if (ca != null) {
        PemFiles.certificates(ca, "--" + CA);
      }
      return tls;
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }

  /** A client's TLS settings from the flags, files checked, or null for plaintext. */
  public static ClientTls client(Flags f) {
    Path ca = path(f, CA);
    Path cert = path(f, CERT);
    Path key = path(f, KEY);
    if (ca == null) {
      if (cert != null || key != null) {
        throw new UsageException("--" + (cert != null ? CERT : KEY) + " needs --" + CA
            + " (the CA that signed the shards' certificates, which turns TLS on)");
      }
      return null;
    }
    try {
      ClientTls tls = new ClientTls(ca, cert, key);
      PemFiles.certificates(ca, "--" + CA);
      if (tls.mutual()) {
        checkPair(cert, key);
      }
      return tls;
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }

  /** The flags that reproduce a shard's {@code tls} (none for null). */
  public static List<String> toArgs(ServerTls tls) {
    List<String> a = new ArrayList<>();
    if (tls != null) {
      OptimizerFlags.add(a, CERT, tls.cert().toString());
      OptimizerFlags.add(a, KEY, tls.key().toString());
      if (tls.clientCa() != null) {
        OptimizerFlags.add(a, CA, tls.clientCa().toString());
      }
      OptimizerFlags.add(a, CLIENT_AUTH, ServerTls.cliName(tls.clientAuth()));
    }
    return a;
  }

  /** The flags that reproduce a client's {@code tls} (none for null). */
  public static List<String> toArgs(ClientTls tls) {
    List<String> a = new ArrayList<>();
    if (tls != null) {
      OptimizerFlags.add(a, CA, tls.ca().toString());
      if (tls.mutual()) {
        OptimizerFlags.add(a, CERT, tls.cert().toString());
        OptimizerFlags.add(a, KEY, tls.key().toString());
      }
    }
    return a;
  }

  /** Reads the certificate and the key and checks that they belong together. */
  private static void checkPair(Path cert, Path key) {
    X509Certificate leaf = PemFiles.certificates(cert, "--" + CERT).get(0);
    PrivateKey privateKey = PemFiles.privateKey(key, "--" + KEY);
    PemFiles.checkPair(leaf, "--" + CERT, privateKey, "--" + KEY);
  }

  private static Path path(Flags f, String flag) {
    String v = f.string(flag);
    return v == null ? null : Path.of(v);
  }
}
