package io.impetus.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.impetus.tls.CertificateSet;
import io.impetus.tls.PemFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code impetus certs DIR}: its files, the kubectl command it prints, and its refusals. */
class CertsCommandTest {
  @TempDir Path tmp;

  /** Runs {@code impetus certs args...}. */
  private static ImpetusRun certs(String... args) {
    String[] all = new String[args.length + 1];
    all[0] = "certs";
    System.arraycopy(args, 0, all, 1, args.length);
    return ImpetusRun.of(all);
  }

  @Test
  void writesTheSetAndPrintsTheSecretCommandWithoutTheCaKey() throws Exception {
    Path dir = tmp.resolve("tls");
    ImpetusRun r = certs(dir.toString(), "--shard-hosts", "*.impetus-ps, 10.1.2.3", "--days", "7");
    assertEquals(0, r.code(), r.err());
    for (String f : CertificateSet.FILES) {
      assertTrue(r.out().contains("wrote " + dir.resolve(f)), r.out());
    }
    assertTrue(r.out().contains("wrote " + dir.resolve(CertificateSet.SHARD_KEY) + " (rw-------)"), r.out());
    assertTrue(r.out().contains("shard certificate names: localhost, 127.0.0.1, ::1, *.impetus-ps, 10.1.2.3"), r.out());
    String kubectl = "kubectl create secret generic impetus-tls --from-file=" + dir.resolve("ca.pem")
        + " --from-file=" + dir.resolve("shard.pem") + " --from-file=" + dir.resolve("shard.key")
        + " --from-file=" + dir.resolve("worker.pem") + " --from-file=" + dir.resolve("worker.key");
    assertTrue(r.out().contains(kubectl + "\n"), r.out());
    assertFalse(r.out().contains("--from-file=" + dir.resolve("ca.key")), r.out());
    assertEquals(7, java.time.Duration.between(
        PemFiles.certificates(dir.resolve("shard.pem"), "x").get(0).getNotBefore().toInstant(),
        PemFiles.certificates(dir.resolve("shard.pem"), "x").get(0).getNotAfter().toInstant()).toDays());
  }

  @Test
  void refusesToOverwriteWithoutForceAndBadArgumentsWithExitCode2() throws Exception {
    Path dir = tmp.resolve("tls");
    assertEquals(0, certs(dir.toString()).code());
    String before = Files.readString(dir.resolve("ca.pem"));
    ImpetusRun again = certs(dir.toString());
    assertEquals(2, again.code());
    assertTrue(again.err().contains(dir.resolve("ca.pem") + " exists; pass --force to replace"), again.err());
    assertEquals(before, Files.readString(dir.resolve("ca.pem")));
    assertEquals(0, certs(dir.toString(), "--force").code());

    ImpetusRun noDir = certs();
    assertEquals(2, noDir.code());
    assertTrue(noDir.err().contains("give the folder DIR to write the certificates to"), noDir.err());
    ImpetusRun badHost = certs(tmp.resolve("x").toString(), "--shard-hosts", "a b");
    assertEquals(2, badHost.code());
    assertTrue(badHost.err().contains("--shard-hosts: 'a b' is neither an IP address nor a DNS name"), badHost.err());
    ImpetusRun badDays = certs(tmp.resolve("y").toString(), "--days", "0");
    assertEquals(2, badDays.code());
    assertTrue(badDays.err().contains("--days must be at least 1, got 0"), badDays.err());
  }
}
