package io.impetus.cli;

import io.impetus.tls.CertificateSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * {@code impetus certs DIR}: makes a job's TLS certificates in DIR ({@link CertificateSet}: a CA, the
 * shards' server certificate, the workers' client certificate) and prints the {@code kubectl} command
 * that puts them into the Secret the manifests mount (all but the CA key). Refuses to replace existing
 * files without {@code --force}.
 */
public final class CertsCommand implements Command {
  /** The name of the Kubernetes Secret the manifests mount the certificates from. */
  public static final String SECRET = "impetus-tls";
  /** Validity when {@code --days} is absent: a year. */
  static final int DEFAULT_DAYS = 365;

  @Override
  public String name() {
    return "certs";
  }

  @Override
  public String summary() {
    return "make a CA and shard and worker certificates for TLS";
  }

  @Override
  public String positional() {
    return "DIR";
  }

  @Override
  public String footer() {
    return "\nWrites " + String.join(", ", CertificateSet.FILES) + " (EC P-256; keys PKCS#8, mode 0600). The shard"
        + " certificate names " + String.join(", ", CertificateSet.LOOPBACK_HOSTS) + " and every --shard-hosts entry.\n"
        + "Example: impetus certs tls --shard-hosts '*.impetus-ps,*.impetus-ps.default.svc.cluster.local'\n"
        + "         (the names workers dial in the Kubernetes manifests; see docs/security.md)\n"
        + "Then: impetus server --tls-cert tls/shard.pem --tls-key tls/shard.key --tls-ca tls/ca.pem ...\n"
        + "      impetus worker --tls-ca tls/ca.pem --tls-cert tls/worker.pem --tls-key tls/worker.key ...";
  }

  @Override
  public Options options() {
    Options o = new Options();
    o.addOption(OptimizerFlags.valued("shard-hosts", "H1,H2,...",
        "names and addresses the workers reach the shards by, added to the shard certificate: DNS names"
            + " ('*.' as the first label is a wildcard) or IP addresses (default: loopback only)"));
    o.addOption(OptimizerFlags.valued("days", "N", "how many days the certificates are valid (default "
        + DEFAULT_DAYS + ")"));
    o.addOption(Option.builder().longOpt("force").desc("replace certificates and keys already in DIR").get());
    return o;
  }

  @Override
  public int run(Flags flags) throws Exception {
    if (flags.positional().size() != 1) {
      throw new UsageException("give the folder DIR to write the certificates to, got " + flags.positional().size()
          + " arguments");
    }
    Path dir = Path.of(flags.positional().get(0));
    List<String> hosts = flags.has("shard-hosts")
        ? Arrays.stream(flags.string("shard-hosts").split(",")).map(String::trim).filter(h -> !h.isEmpty()).toList()
        : List.of();
    CertificateSet certs;
    try {
      certs = CertificateSet.create(dir, hosts, flags.integer("days", DEFAULT_DAYS), flags.has("force"));
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    for (String f : CertificateSet.FILES) {
      Path file = dir.resolve(f);
      System.out.printf(Locale.ROOT, "wrote %s (%s)%n", file, mode(file));
    }
    System.out.println("shard certificate names: " + String.join(", ", certs.shardHosts()));
    System.out.println("For Kubernetes (the Secret the manifests mount; the CA key stays here):");
    System.out.println(kubectlCommand(dir));
    return 0;
  }

  /** {@code kubectl create secret generic impetus-tls --from-file=...} for every file but the CA key. */
  static String kubectlCommand(Path dir) {
    StringBuilder sb = new StringBuilder("kubectl create secret generic " + SECRET);
    for (String f : CertificateSet.SECRET_FILES) {
      sb.append(" --from-file=").append(dir.resolve(f));
    }
    return sb.toString();
  }

  private static String mode(Path file) {
    try {
      return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
    } catch (java.io.IOException | UnsupportedOperationException e) {
      return "mode unknown";
    }
  }
}
