package io.impetus.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code impetus certs}' files: what they hold, their modes, and when they are (not) replaced. */
class CertificateSetTest {
  @TempDir Path tmp;

  /** The subject alternative names of {@code cert} as text, DNS names and IP addresses alike. */
  private static List<String> altNames(X509Certificate cert) throws Exception {
    List<String> names = new ArrayList<>();
    for (List<?> entry : cert.getSubjectAlternativeNames()) {
      names.add(entry.get(1).toString());
    }
    return names;
  }

  @Test
  void makesACaThatSignsAShardAndAWorkerCertificate() throws Exception {
    Path dir = tmp.resolve("tls");
    CertificateSet set = CertificateSet.create(dir, List.of("*.impetus-ps", "10.0.0.7", "fd00::7", "10.0.0.7"), 30,
        false);
    for (String f : CertificateSet.FILES) {
      assertTrue(Files.size(dir.resolve(f)) > 0, f);
    }
    X509Certificate ca = PemFiles.certificates(dir.resolve(CertificateSet.CA_CERT), "ca").get(0);
    X509Certificate shard = PemFiles.certificates(dir.resolve(CertificateSet.SHARD_CERT), "shard").get(0);
    X509Certificate worker = PemFiles.certificates(dir.resolve(CertificateSet.WORKER_CERT), "worker").get(0);
    shard.verify(ca.getPublicKey());
    worker.verify(ca.getPublicKey());
    ca.verify(ca.getPublicKey());
    assertEquals(0, ca.getBasicConstraints(), "the CA may sign leaf certificates only");
    assertEquals(-1, shard.getBasicConstraints(), "the shard's certificate is no CA");
    assertEquals(List.of("1.3.6.1.5.5.7.3.1"), shard.getExtendedKeyUsage(), "serverAuth");
    assertEquals(List.of("1.3.6.1.5.5.7.3.2"), worker.getExtendedKeyUsage(), "clientAuth");
    assertEquals("EC", shard.getPublicKey().getAlgorithm());
    // Loopback first, then the hosts given (IP literals as IP addresses, the duplicate once).
    assertEquals(List.of("localhost", "127.0.0.1", "0:0:0:0:0:0:0:1", "*.impetus-ps", "10.0.0.7", "fd00:0:0:0:0:0:0:7"),
        altNames(shard));
    assertEquals(List.of("localhost", "127.0.0.1", "::1", "*.impetus-ps", "10.0.0.7", "fd00::7"), set.shardHosts());
    long days = Duration.between(shard.getNotBefore().toInstant(), shard.getNotAfter().toInstant()).toDays();
    assertEquals(30, days);
    assertTrue(shard.getNotBefore().toInstant().isBefore(Instant.now()));
    // Each key is the one its certificate certifies.
    PemFiles.checkPair(shard, "shard", PemFiles.privateKey(dir.resolve(CertificateSet.SHARD_KEY), "key"), "key");
    PemFiles.checkPair(worker, "worker", PemFiles.privateKey(dir.resolve(CertificateSet.WORKER_KEY), "key"), "key");
    PemFiles.checkPair(ca, "ca", PemFiles.privateKey(dir.resolve(CertificateSet.CA_KEY), "key"), "key");
  }

  @Test
  void keysAreReadableByTheOwnerOnlyAndCertificatesByAll() throws Exception {
    Path dir = tmp.resolve("tls");
    CertificateSet.create(dir, List.of(), 1, false);
    for (String key : List.of(CertificateSet.CA_KEY, CertificateSet.SHARD_KEY, CertificateSet.WORKER_KEY)) {
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(key))), key);
    }
    for (String cert : List.of(CertificateSet.CA_CERT, CertificateSet.SHARD_CERT, CertificateSet.WORKER_CERT)) {
      assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(cert))), cert);
    }
    assertFalse(CertificateSet.SECRET_FILES.contains(CertificateSet.CA_KEY), "the CA key never goes into a Secret");
  }

  @Test
  void refusesToReplaceExistingFilesUnlessForced() throws Exception {
    Path dir = tmp.resolve("tls");
    CertificateSet.create(dir, List.of(), 1, false);
    String shard = Files.readString(dir.resolve(CertificateSet.SHARD_CERT));
    Files.delete(dir.resolve(CertificateSet.CA_CERT));
    Files.writeString(dir.resolve(CertificateSet.WORKER_KEY), "mine");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> CertificateSet.create(dir, List.of(), 1, false));
    assertTrue(e.getMessage().contains(CertificateSet.CA_KEY + " exists; pass --force"), e.getMessage());
    assertEquals(shard, Files.readString(dir.resolve(CertificateSet.SHARD_CERT)), "nothing was written");
    assertEquals("mine", Files.readString(dir.resolve(CertificateSet.WORKER_KEY)));
    assertTrue(Files.notExists(dir.resolve(CertificateSet.CA_CERT)));

    CertificateSet.create(dir, List.of(), 1, true);
    assertNotEquals(shard, Files.readString(dir.resolve(CertificateSet.SHARD_CERT)), "forced: a new set");
    assertEquals("rw-------",
        PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(CertificateSet.WORKER_KEY))));
  }

  @Test
  void refusesABadHostOrDayCountBeforeWritingAnything() {
    Path dir = tmp.resolve("tls");
    IllegalArgumentException host = assertThrows(IllegalArgumentException.class,
        () -> CertificateSet.create(dir, List.of("impetus-ps", "shard_0!"), 1, false));
    assertEquals("--shard-hosts: 'shard_0!' is neither an IP address nor a DNS name (letters, digits, '-', dots;"
        + " '*.' allowed as the first label)", host.getMessage());
    assertThrows(IllegalArgumentException.class, () -> CertificateSet.create(dir, List.of("a.*.b"), 1, false));
    assertEquals("--days must be at least 1, got 0",
        assertThrows(IllegalArgumentException.class, () -> CertificateSet.create(dir, List.of(), 0, false))
            .getMessage());
    assertTrue(Files.notExists(dir));
  }
}
