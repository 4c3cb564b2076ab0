package io.impetus.tls;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.util.IPAddress;

/**
 * Makes EC P-256 keys and X.509 certificates with BouncyCastle: a self-signed CA, and leaf
 * certificates it signs for a TLS server (with subject alternative names) or a TLS client. Signing and
 * key generation use the JDK's own providers; BouncyCastle only builds and encodes the certificates.
 */
final class CertificateIssuer {
  /** A DNS name, optionally with a wildcard as its whole leftmost label ({@code *.impetus-ps}). */
  private static final Pattern DNS_NAME = Pattern.compile(
      "(\\*\\.)?[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");

  private static final SecureRandom RANDOM = new SecureRandom();

  private CertificateIssuer() {}

  /** A certificate and the key pair whose public half it certifies. */
  record Issued(X509Certificate certificate, KeyPair keys) {}

  /** A fresh EC key pair on the P-256 curve. */
  static KeyPair newKeyPair() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this Java runtime cannot make EC P-256 keys (module jdk.crypto.ec missing?)", e);
    }
  }

  /** A self-signed CA certificate named {@code commonName}, valid from {@code from} to {@code to}. */
  static Issued certificateAuthority(String commonName, Instant from, Instant to) {
    KeyPair keys = newKeyPair();
    X500Name name = new X500Name("CN=" + commonName);
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, serial(), Date.from(from), Date.from(to), name,
          keys.getPublic())
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
          .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()));
      return new Issued(sign(b, keys), keys);
    } catch (GeneralSecurityException | CertIOException e) {
      throw new IllegalStateException("cannot build the CA certificate", e);
    }
  }

  /**
   * A leaf certificate signed by {@code ca}: for {@code purpose} serverAuth (with {@code hosts} as its
   * subject alternative names, see {@link #subjectAltNames}) or clientAuth (hosts may be empty).
   */
  static Issued leaf(Issued ca, String commonName, List<String> hosts, KeyPurposeId purpose, Instant from, Instant to) {
    KeyPair keys = newKeyPair();
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(ca.certificate(), serial(), Date.from(from),
          Date.from(to), new X500Name("CN=" + commonName), keys.getPublic())
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
          .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose))
          .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()))
          .addExtension(Extension.authorityKeyIdentifier, false,
              ext.createAuthorityKeyIdentifier(ca.certificate()));
      if (!hosts.isEmpty()) {
        b.addExtension(Extension.subjectAlternativeName, false, subjectAltNames(hosts));
      }
      return new Issued(sign(b, ca.keys()), keys);
    } catch (GeneralSecurityException | CertIOException e) {
      throw new IllegalStateException("cannot build the certificate for " + commonName, e);
    }
  }

  /**
   * {@code hosts} as subject alternative names: IP literals (v4 or v6) as IP addresses, everything
   * else as DNS names, where a leftmost {@code *} label is a wildcard. A host that is neither is
   * refused with an IllegalArgumentException naming it.
   */
  static GeneralNames subjectAltNames(List<String> hosts) {
    List<GeneralName> names = new ArrayList<>();
    for (String host : hosts) {
      if (IPAddress.isValid(host)) {
        names.add(new GeneralName(GeneralName.iPAddress, host));
      } else if (host.length() <= 253 && DNS_NAME.matcher(host).matches()) {
        names.add(new GeneralName(GeneralName.dNSName, host));
      } else {
        throw new IllegalArgumentException("'" + host + "' is neither an IP address nor a DNS name"
            + " (letters, digits, '-', dots; '*.' allowed as the first label)");
      }
    }
    return new GeneralNames(names.toArray(GeneralName[]::new));
  }

  /** {@code key} as an unencrypted PKCS#8 PEM block ({@code BEGIN PRIVATE KEY}), the form Netty reads. */
  static String pkcs8Pem(java.security.PrivateKey key) {
    try {
      return pem(new JcaPKCS8Generator(key, null));
    } catch (org.bouncycastle.util.io.pem.PemGenerationException e) {
      throw new IllegalStateException("cannot encode the private key", e);
    }
  }

  /** {@code certificate} as a PEM block ({@code BEGIN CERTIFICATE}). */
  static String certificatePem(X509Certificate certificate) {
    return pem(certificate);
  }

  private static String pem(Object o) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      w.writeObject(o);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, KeyPair signer) throws GeneralSecurityException {
    try {
      return new JcaX509CertificateConverter().getCertificate(
          b.build(new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("SHA256withECDSA")
              .build(signer.getPrivate())));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }

  /** A random positive 127-bit serial number: unique without keeping state. */
  private static BigInteger serial() {
    return new BigInteger(127, RANDOM).add(BigInteger.ONE);
  }
}
