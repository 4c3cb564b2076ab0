package io.impetus.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checks that turn a wrong TLS file into an error naming its flag at start-up. */
class PemFilesTest {
  @TempDir static Path tmp;
  private static CertificateSet set;

  @BeforeAll
  static void makeCertificates() throws Exception {
    set = CertificateSet.create(tmp.resolve("tls"), List.of(), 1, false);
  }

  private static String refusal(Runnable check) {
    return assertThrows(IllegalArgumentException.class, check::run).getMessage();
  }

  @Test
  void readsACertificateChainAndAPkcs8Key() {
    Path dir = set.dir();
    X509Certificate cert = PemFiles.certificates(dir.resolve(CertificateSet.SHARD_CERT), "--tls-cert").get(0);
    PrivateKey key = PemFiles.privateKey(dir.resolve(CertificateSet.SHARD_KEY), "--tls-key");
    PemFiles.checkPair(cert, "--tls-cert", key, "--tls-key");
  }

  @Test
  void aMissingFileOrOneThatIsNotPemIsRefusedNamingTheFlag() throws Exception {
    Path missing = tmp.resolve("missing.pem");
    assertEquals("--tls-cert " + missing + ": no such file", refusal(() -> PemFiles.certificates(missing, "--tls-cert")));
    Path text = Files.writeString(tmp.resolve("notes.txt"), "not a certificate\n");
    assertEquals("--tls-ca " + text + ": not a PEM file (no -----BEGIN ...----- block)",
        refusal(() -> PemFiles.certificates(text, "--tls-ca")));
    Path key = set.dir().resolve(CertificateSet.SHARD_KEY);
    assertEquals("--tls-cert " + key + ": expected PEM certificates (BEGIN CERTIFICATE), found PrivateKeyInfo",
        refusal(() -> PemFiles.certificates(key, "--tls-cert")));
    Path cert = set.dir().resolve(CertificateSet.SHARD_CERT);
    assertTrue(refusal(() -> PemFiles.privateKey(cert, "--tls-key"))
        .startsWith("--tls-key " + cert + ": expected an unencrypted PEM private key (BEGIN PRIVATE KEY)"));
  }

  @Test
  void aKeyThatIsNotPkcs8IsRefusedWithTheCommandThatConvertsIt() throws Exception {
    // The same EC key in OpenSSL's traditional (SEC1) form, as `openssl ecparam -genkey` writes it.
    java.security.KeyPair pair = CertificateIssuer.newKeyPair();
    java.io.StringWriter sec1 = new java.io.StringWriter();
    try (org.bouncycastle.openssl.jcajce.JcaPEMWriter w = new org.bouncycastle.openssl.jcajce.JcaPEMWriter(sec1)) {
      w.writeObject(pair);
    }
    Path file = Files.writeString(tmp.resolve("sec1.key"), sec1.toString());
    assertTrue(sec1.toString().startsWith("-----BEGIN EC PRIVATE KEY-----"), sec1.toString());
    assertEquals("--tls-key " + file + ": the key is not PKCS#8 (BEGIN PRIVATE KEY); convert it with: openssl pkcs8"
        + " -topk8 -nocrypt -in " + file + " -out KEY.pkcs8", refusal(() -> PemFiles.privateKey(file, "--tls-key")));
  }

  @Test
  void aKeyOfAnotherCertificateIsRefused() {
    X509Certificate shard = PemFiles.certificates(set.dir().resolve(CertificateSet.SHARD_CERT), "--tls-cert").get(0);
    PrivateKey worker = PemFiles.privateKey(set.dir().resolve(CertificateSet.WORKER_KEY), "--tls-key");
    assertEquals("--tls-key does not match the certificate of --tls-cert (it is not the key the certificate was"
        + " issued for)", refusal(() -> PemFiles.checkPair(shard, "--tls-cert", worker, "--tls-key")));
  }
}
