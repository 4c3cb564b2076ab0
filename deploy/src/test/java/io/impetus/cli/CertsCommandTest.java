package io.impetus.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.impetus.tls.CertificateSet;
import io.impetus.tls.PemFiles;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code impetus certs DIR}: its files, the kubectl command it prints, and its refusals. */
class CertsCommandTest {
  @TempDir Path tmp;

  /** Runs {@code impetus certs args...}; returns the exit code, stdout and stderr. */
  private static String[] run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    int code;
    try {
      String[] all = new String[args.length + 1];
      all[0] = "certs";
      System.arraycopy(args, 0, all, 1, args.length);
      code = new Impetus().run(all, Map.of());
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
    return new String[] {Integer.toString(code), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)};
  }

  @Test
  void writesTheSetAndPrintsTheSecretCommandWithoutTheCaKey() throws Exception {
    Path dir = tmp.resolve("tls");
    String[] r = run(dir.toString(), "--shard-hosts", "*.impetus-ps, 10.1.2.3", "--days", "7");
    assertEquals("0", r[0], r[2]);
    for (String f : CertificateSet.FILES) {
      assertTrue(r[1].contains("wrote " + dir.resolve(f)), r[1]);
    }
    assertTrue(r[1].contains("wrote " + dir.resolve(CertificateSet.SHARD_KEY) + " (rw-------)"), r[1]);
    assertTrue(r[1].contains("shard certificate names: localhost, 127.0.0.1, ::1, *.impetus-ps, 10.1.2.3"), r[1]);
    String kubectl = "kubectl create secret generic impetus-tls --from-file=" + dir.resolve("ca.pem")
        + " --from-file=" + dir.resolve("shard.pem") + " --from-file=" + dir.resolve("shard.key")
        + " --from-file=" + dir.resolve("worker.pem") + " --from-file=" + dir.resolve("worker.key");
    assertTrue(r[1].contains(kubectl + "\n"), r[1]);
    assertFalse(r[1].contains("--from-file=" + dir.resolve("ca.key")), r[1]);
    assertEquals(7, java.time.Duration.between(
        PemFiles.certificates(dir.resolve("shard.pem"), "x").get(0).getNotBefore().toInstant(),
        PemFiles.certificates(dir.resolve("shard.pem"), "x").get(0).getNotAfter().toInstant()).toDays());
  }

  @Test
  void refusesToOverwriteWithoutForceAndBadArgumentsWithExitCode2() throws Exception {
    Path dir = tmp.resolve("tls");
    assertEquals("0", run(dir.toString())[0]);
    String before = Files.readString(dir.resolve("ca.pem"));
    String[] again = run(dir.toString());
    assertEquals("2", again[0]);
    assertTrue(again[2].contains(dir.resolve("ca.pem") + " exists; pass --force to replace"), again[2]);
    assertEquals(before, Files.readString(dir.resolve("ca.pem")));
    assertEquals("0", run(dir.toString(), "--force")[0]);

    String[] noDir = run();
    assertEquals("2", noDir[0]);
    assertTrue(noDir[2].contains("give the folder DIR to write the certificates to"), noDir[2]);
    String[] badHost = run(tmp.resolve("x").toString(), "--shard-hosts", "a b");
    assertEquals("2", badHost[0]);
    assertTrue(badHost[2].contains("--shard-hosts: 'a b' is neither an IP address nor a DNS name"), badHost[2]);
    String[] badDays = run(tmp.resolve("y").toString(), "--days", "0");
    assertEquals("2", badDays[0]);
    assertTrue(badDays[2].contains("--days must be at least 1, got 0"), badDays[2]);
  }
}
