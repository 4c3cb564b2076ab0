package io.impetus.tls;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMException;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * Reads the PEM files TLS is configured with and checks them before a server or channel is built, so
 * that a wrong file is refused at start-up with a message naming its flag, not at the first
 * handshake. Each method throws {@link IllegalArgumentException} whose message starts with the flag
 * and the file ({@code --tls-key /etc/impetus/tls/shard.key: ...}).
 *
 * <p>Private keys must be unencrypted PKCS#8 ({@code -----BEGIN PRIVATE KEY-----}), the form gRPC's
 * Netty transport reads; a PKCS#1 or SEC1 key ({@code BEGIN RSA/EC PRIVATE KEY}) is refused with the
 * command that converts it.
 */
public final class PemFiles {
  private PemFiles() {}

  /** The certificates in {@code file}, in order (at least one); {@code flag} names it in errors. */
  public static List<X509Certificate> certificates(Path file, String flag) {
    List<X509Certificate> certificates = new ArrayList<>();
    JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
    for (Object o : objects(file, flag)) {
      if (!(o instanceof X509CertificateHolder holder)) {
        throw new IllegalArgumentException(where(flag, file) + "expected PEM certificates (BEGIN CERTIFICATE), found "
            + kind(o));
      }
      try {
        certificates.add(converter.getCertificate(holder));
      } catch (CertificateException e) {
        throw new IllegalArgumentException(where(flag, file) + "not a valid X.509 certificate (" + e.getMessage() + ")");
      }
    }
    if (certificates.isEmpty()) {
      throw new IllegalArgumentException(where(flag, file) + "no PEM certificate in the file (BEGIN CERTIFICATE)");
    }
    return certificates;
  }

  /** The unencrypted PKCS#8 private key in {@code file}; {@code flag} names it in errors. */
  public static PrivateKey privateKey(Path file, String flag) {
    List<Object> objects = objects(file, flag);
    if (objects.size() != 1) {
      throw new IllegalArgumentException(where(flag, file) + "expected one PEM private key (BEGIN PRIVATE KEY), found "
          + objects.size() + " PEM objects");
    }
    Object o = objects.get(0);
    if (o instanceof PEMKeyPair) {
      throw new IllegalArgumentException(where(flag, file) + "the key is not PKCS#8 (BEGIN PRIVATE KEY); convert it"
          + " with: openssl pkcs8 -topk8 -nocrypt -in " + file + " -out KEY.pkcs8");
    }
    if (!(o instanceof PrivateKeyInfo info)) {
      throw new IllegalArgumentException(where(flag, file) + "expected an unencrypted PEM private key (BEGIN PRIVATE KEY),"
          + " found " + kind(o));
    }
    try {
      return new JcaPEMKeyConverter().getPrivateKey(info);
    } catch (PEMException e) {
      throw new IllegalArgumentException(where(flag, file) + "not a usable private key (" + e.getMessage() + ")");
    }
  }

  /**
   * Checks that {@code key} belongs to {@code certificate} (it signs what the certificate's public key
   * verifies), so a shard is not started with another certificate's key.
   */
  public static void checkPair(X509Certificate certificate, String certFlag, PrivateKey key, String keyFlag) {
    String algorithm = switch (key.getAlgorithm()) {
      case "EC" -> "SHA256withECDSA";
      case "RSA" -> "SHA256withRSA";
      case "Ed25519", "EdDSA" -> "Ed25519";
      default -> throw new IllegalArgumentException(keyFlag + ": unsupported key algorithm " + key.getAlgorithm()
          + " (expected EC, RSA or Ed25519)");
    };
    if (!signsFor(algorithm, key, certificate.getPublicKey())) {
      throw new IllegalArgumentException(keyFlag + " does not match the certificate of " + certFlag
          + " (it is not the key the certificate was issued for)");
    }
  }

  /** Whether a signature by {@code key} verifies under {@code pub}. */
  private static boolean signsFor(String algorithm, PrivateKey key, PublicKey pub) {
    if (!pub.getAlgorithm().equals(key.getAlgorithm())) {
      return false;
    }
    try {
      byte[] challenge = "impetus tls key check".getBytes(StandardCharsets.US_ASCII);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(challenge);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(pub);
      verifier.update(challenge);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /** Every PEM object in {@code file}; a missing, unreadable or non-PEM file is refused. */
  private static List<Object> objects(Path file, String flag) {
    List<Object> objects = new ArrayList<>();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser parser = new PEMParser(in)) {
      for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
        objects.add(o);
      }
    } catch (java.nio.file.NoSuchFileException e) {
      throw new IllegalArgumentException(where(flag, file) + "no such file");
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(where(flag, file) + "not a readable PEM file (" + e.getMessage() + ")");
    }
    if (objects.isEmpty()) {
      throw new IllegalArgumentException(where(flag, file) + "not a PEM file (no -----BEGIN ...----- block)");
    }
    return objects;
  }

  private static String where(String flag, Path file) {
    return flag + " " + file + ": ";
  }

  private static String kind(Object o) {
    return o.getClass().getSimpleName();
  }
}
