package io.impetus.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.impetus.tls.CertificateSet;
import io.impetus.tls.PemFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code impetus local --tls --token-file F} for real: every shard requires a client certificate and
 * the token, every worker and the launcher present both, and the run trains to exactly the loss of
 * the same run in plaintext without a token (one worker, so the order of updates is fixed by the seed).
 */
class LocalTlsIT {
  @TempDir Path tmp;

  private JsonNode run(String name, String... extra) throws Exception {
    Path out = tmp.resolve(name);
    Path log = tmp.resolve(name + ".log");
    List<String> args = new ArrayList<>(List.of("local", "--model", "mlp-x2", "--workers", "1", "--shards", "2",
        "--steps", "40", "--seed", "7", "--out", out.toString(), "--no-progress"));
    args.addAll(List.of(extra));
    int code = LocalRunIT.impetus(log, args.toArray(String[]::new));
    assertEquals(0, code, Files.readString(log, StandardCharsets.UTF_8));
    return new ObjectMapper().readTree(out.resolve("summary.json").toFile());
  }

  @Test
  void mutualTlsWithATokenTrainsToTheSameLossAsPlaintext() throws Exception {
    Path token = Files.writeString(tmp.resolve("token"), "0123456789abcdef0123456789abcdef\n");
    JsonNode plain = run("plain");
    JsonNode secured = run("secured", "--tls", "--token-file", token.toString());

    assertEquals(40, secured.get("steps").asLong());
    assertEquals(plain.get("train_loss").asText(), secured.get("train_loss").asText(),
        "the same seed trains to the same loss over TLS");
    // The run's certificates are in RUN_DIR/tls, the keys private, the shards' naming the address they bind.
    Path certs = tmp.resolve("secured").resolve(LocalLauncher.TLS_DIR);
    for (String key : List.of(CertificateSet.CA_KEY, CertificateSet.SHARD_KEY, CertificateSet.WORKER_KEY)) {
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(certs.resolve(key))));
    }
    assertTrue(PemFiles.certificates(certs.resolve(CertificateSet.SHARD_CERT), "shard").get(0)
        .getSubjectAlternativeNames().stream().anyMatch(n -> n.get(1).equals("127.0.0.1")));
    // The shards ran with TLS and the token, and refused nothing: every client presented both.
    String command = Files.readString(tmp.resolve("secured/command.txt"));
    assertTrue(command.contains("--tls"), command);
    for (int s = 0; s < 2; s++) {
      String shardLog = Files.readString(tmp.resolve("secured/logs/server-" + s + ".log"));
      assertFalse(shardLog.contains("without a valid bearer token"), shardLog);
    }
    assertTrue(Files.notExists(tmp.resolve("plain").resolve(LocalLauncher.TLS_DIR)));
  }
}
