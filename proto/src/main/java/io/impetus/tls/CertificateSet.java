package io.impetus.tls;

import io.grpc.TlsServerCredentials.ClientAuth;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.x509.KeyPurposeId;

/**
 * The certificates of one Impetus job in one folder: a CA ({@link #CA_CERT}, {@link #CA_KEY}), the
 * shards' server certificate ({@link #SHARD_CERT}, {@link #SHARD_KEY}) and the workers' client
 * certificate ({@link #WORKER_CERT}, {@link #WORKER_KEY}), EC P-256, the keys PKCS#8 PEM. Every shard
 * presents the same certificate, whose subject alternative names are {@link #LOOPBACK_HOSTS} plus the
 * names the shards are reached by; every worker presents the same client certificate. The CA key is
 * needed only to issue more certificates: it never goes into a Kubernetes Secret ({@link #SECRET_FILES}).
 *
 * <p>Private keys are created with mode 0600 in the call that creates the file (no window in which
 * another user could open them), certificates with 0644.
 *
 * @param dir the folder holding the files
 * @param shardHosts the subject alternative names of the shard certificate, in order
 */
public record CertificateSet(Path dir, List<String> shardHosts) {
  public static final String CA_CERT = "ca.pem";
  public static final String CA_KEY = "ca.key";
  public static final String SHARD_CERT = "shard.pem";
  public static final String SHARD_KEY = "shard.key";
  public static final String WORKER_CERT = "worker.pem";
  public static final String WORKER_KEY = "worker.key";
  /** Every file {@link #create} writes. */
  public static final List<String> FILES = List.of(CA_CERT, CA_KEY, SHARD_CERT, SHARD_KEY, WORKER_CERT, WORKER_KEY);
  /** The files a cluster's Secret holds: all but the CA key. */
  public static final List<String> SECRET_FILES = List.of(CA_CERT, SHARD_CERT, SHARD_KEY, WORKER_CERT, WORKER_KEY);
  /** Names every shard certificate carries, so clients on the shard's own host can verify it. */
  public static final List<String> LOOPBACK_HOSTS = List.of("localhost", "127.0.0.1", "::1");
  /** The common name of the workers' client certificate. */
  public static final String WORKER_NAME = "impetus-worker";

  private static final FileAttribute<?> PRIVATE =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
  private static final FileAttribute<?> PUBLIC =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--"));

  public CertificateSet {
    shardHosts = List.copyOf(shardHosts);
  }

  /**
   * Creates the six files in {@code dir} (and the folder), valid for {@code days} days from now (an
   * hour earlier, for clocks that lag). The shard certificate names {@link #LOOPBACK_HOSTS} and every
   * entry of {@code shardHosts} (IP literals as IP addresses; DNS names, {@code *.} wildcards allowed).
   * Existing files are replaced only when {@code force}; otherwise the first one found is refused
   * before anything is written.
   *
   * @throws IllegalArgumentException for a bad host or day count, or a file that exists without {@code force}
   */
  public static CertificateSet create(Path dir, List<String> shardHosts, int days, boolean force) throws IOException {
    if (days < 1) {
      throw new IllegalArgumentException("--days must be at least 1, got " + days);
    }
    Set<String> hosts = new LinkedHashSet<>(LOOPBACK_HOSTS);
    for (String h : shardHosts) {
      if (!h.isBlank()) {
        hosts.add(h.trim());
      }
    }
    List<String> names = new ArrayList<>(hosts);
    try {
      CertificateIssuer.subjectAltNames(names); // refuses a bad host before any file is touched
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--shard-hosts: " + e.getMessage(), e);
    }
    if (!force) {
      for (String f : FILES) {
        if (Files.exists(dir.resolve(f), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
          throw new IllegalArgumentException(dir.resolve(f) + " exists; pass --force to replace the certificates"
              + " in " + dir);
        }
      }
    }
    Instant from = Instant.now().minus(Duration.ofHours(1));
    Instant to = from.plus(Duration.ofDays(days)).plus(Duration.ofHours(1));
    CertificateIssuer.Issued ca = CertificateIssuer.certificateAuthority("impetus-ca", from, to);
    CertificateIssuer.Issued shard =
        CertificateIssuer.leaf(ca, "impetus-shard", names, KeyPurposeId.id_kp_serverAuth, from, to);
    CertificateIssuer.Issued worker =
        CertificateIssuer.leaf(ca, WORKER_NAME, List.of(), KeyPurposeId.id_kp_clientAuth, from, to);
    Files.createDirectories(dir);
    write(dir.resolve(CA_KEY), CertificateIssuer.pkcs8Pem(ca.keys().getPrivate()), PRIVATE);
    write(dir.resolve(CA_CERT), CertificateIssuer.certificatePem(ca.certificate()), PUBLIC);
    write(dir.resolve(SHARD_KEY), CertificateIssuer.pkcs8Pem(shard.keys().getPrivate()), PRIVATE);
    write(dir.resolve(SHARD_CERT), CertificateIssuer.certificatePem(shard.certificate()), PUBLIC);
    write(dir.resolve(WORKER_KEY), CertificateIssuer.pkcs8Pem(worker.keys().getPrivate()), PRIVATE);
    write(dir.resolve(WORKER_CERT), CertificateIssuer.certificatePem(worker.certificate()), PUBLIC);
    return new CertificateSet(dir, names);
  }

  /** What a shard serves with: its certificate, and mutual TLS required against this set's CA. */
  public ServerTls shardTls() {
    return new ServerTls(dir.resolve(SHARD_CERT), dir.resolve(SHARD_KEY), dir.resolve(CA_CERT), ClientAuth.REQUIRE);
  }

  /** What a worker (or any client of the job) connects with: trust in the CA, and the worker certificate. */
  public ClientTls workerTls() {
    return new ClientTls(dir.resolve(CA_CERT), dir.resolve(WORKER_CERT), dir.resolve(WORKER_KEY));
  }

  /**
   * Writes {@code text} to a new file {@code file} created with {@code mode} (on file systems with POSIX
   * permissions), replacing an old one: the old file is deleted first, so the new one never inherits
   * its mode.
   */
  private static void write(Path file, String text, FileAttribute<?> mode) throws IOException {
    Files.deleteIfExists(file);
    byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
    try {
      if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
        Files.createFile(file, mode);
      } else {
        Files.createFile(file);
      }
    } catch (FileAlreadyExistsException raced) {
      throw new IOException(file + " appeared while the certificates were written; nothing was replaced", raced);
    }
    Files.write(file, bytes);
  }
}
