package io.impetus.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.grpc.TlsServerCredentials.ClientAuth;
import io.impetus.client.ChannelSecurity;
import io.impetus.shard.ServerConfig;
import io.impetus.shard.ServerSecurity;
import io.impetus.tls.CertificateSet;
import io.impetus.tls.ClientTls;
import io.impetus.tls.ServerTls;
import io.impetus.train.WorkerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TLS flags of {@code server} and {@code worker} (and {@code --health-port}), with their
 * IMPETUS_TLS_* fallbacks: what they configure, what the configs pass on to a child process, and a
 * usage error naming the flag for each way they can be wrong.
 */
class TlsFlagsTest {
  @TempDir static Path tmp;
  private static CertificateSet certs;
  private static String ca;
  private static String shardCert;
  private static String shardKey;
  private static String workerCert;
  private static String workerKey;

  @BeforeAll
  static void makeCertificates() throws Exception {
    certs = CertificateSet.create(tmp.resolve("tls"), List.of(), 1, false);
    ca = certs.dir().resolve(CertificateSet.CA_CERT).toString();
    shardCert = certs.dir().resolve(CertificateSet.SHARD_CERT).toString();
    shardKey = certs.dir().resolve(CertificateSet.SHARD_KEY).toString();
    workerCert = certs.dir().resolve(CertificateSet.WORKER_CERT).toString();
    workerKey = certs.dir().resolve(CertificateSet.WORKER_KEY).toString();
  }

  private static ServerSecurity server(List<String> args, Map<String, String> env) throws Exception {
    return ServerCommand.parse(Flags.parse(new ServerCommand(), args, env)).security();
  }

  private static ChannelSecurity worker(List<String> args, Map<String, String> env) throws Exception {
    List<String> all = new ArrayList<>(List.of("--servers", "localhost:7070"));
    all.addAll(args);
    return WorkerCommand.parse(Flags.parse(new WorkerCommand(), all, env)).security();
  }

  private static String serverError(String... args) {
    return assertThrows(UsageException.class, () -> server(List.of(args), Map.of())).getMessage();
  }

  private static String workerError(String... args) {
    return assertThrows(UsageException.class, () -> worker(List.of(args), Map.of())).getMessage();
  }

  @Test
  void withoutTheFlagsEverythingIsPlaintext() throws Exception {
    assertEquals(ServerSecurity.NONE, server(List.of(), Map.of()));
    assertEquals(ChannelSecurity.NONE, worker(List.of(), Map.of()));
  }

  @Test
  void aShardWithACaRequiresClientCertificatesUnlessToldOtherwise() throws Exception {
    ServerTls mutual = server(List.of("--tls-cert", shardCert, "--tls-key", shardKey, "--tls-ca", ca), Map.of()).tls();
    assertEquals(new ServerTls(Path.of(shardCert), Path.of(shardKey), Path.of(ca), ClientAuth.REQUIRE), mutual);
    assertEquals(ClientAuth.NONE, server(List.of("--tls-cert", shardCert, "--tls-key", shardKey), Map.of())
        .tls().clientAuth());
    assertEquals(ClientAuth.OPTIONAL, server(List.of(), Map.of("IMPETUS_TLS_CERT", shardCert, "IMPETUS_TLS_KEY",
        shardKey, "IMPETUS_TLS_CA", ca, "IMPETUS_TLS_CLIENT_AUTH", "optional")).tls().clientAuth());
    assertEquals(7071, server(List.of(), Map.of("IMPETUS_HEALTH_PORT", "7071")).healthPort());
  }

  @Test
  void aWorkerTrustsTheCaAndPresentsItsCertificate() throws Exception {
    assertEquals(new ClientTls(Path.of(ca), Path.of(workerCert), Path.of(workerKey)),
        worker(List.of("--tls-ca", ca, "--tls-cert", workerCert, "--tls-key", workerKey), Map.of()).tls());
    assertEquals(new ClientTls(Path.of(ca), null, null), worker(List.of(), Map.of("IMPETUS_TLS_CA", ca)).tls());
  }

  @Test
  void theConfigsPassTokenTlsAndHealthPortOnToAChildProcess() throws Exception {
    Path token = Files.writeString(tmp.resolve("token"), "0123456789abcdef0123456789abcdef");
    List<String> serverArgs = List.of("--tls-cert", shardCert, "--tls-key", shardKey, "--tls-ca", ca,
        "--tls-client-auth", "optional", "--health-port", "0", "--token-file", token.toString());
    ServerConfig shard = ServerCommand.parse(Flags.parse(new ServerCommand(), serverArgs, Map.of()));
    ServerConfig again = ServerCommand.parse(Flags.parse(new ServerCommand(), ServerCommand.toArgs(shard), Map.of()));
    assertEquals(shard.security().tls(), again.security().tls());
    assertEquals(0, again.security().healthPort());
    assertEquals(token, again.security().token().file());

    List<String> workerArgs = List.of("--servers", "localhost:7070", "--tls-ca", ca, "--tls-cert", workerCert,
        "--tls-key", workerKey, "--token-file", token.toString());
    WorkerConfig w = WorkerCommand.parse(Flags.parse(new WorkerCommand(), workerArgs, Map.of()));
    WorkerConfig wAgain = WorkerCommand.parse(Flags.parse(new WorkerCommand(), WorkerCommand.toArgs(w), Map.of()));
    assertEquals(w.security().tls(), wAgain.security().tls());
    assertEquals(token, wAgain.security().token().file());
  }

  @Test
  void eachWrongCombinationOfServerFlagsNamesTheFlags() {
    assertEquals("--tls-cert and --tls-key go together: TLS needs both", serverError("--tls-cert", shardCert));
    assertEquals("--tls-cert and --tls-key go together: TLS needs both", serverError("--tls-key", shardKey));
    assertEquals("--tls-ca needs --tls-cert and --tls-key (the shard's own certificate, which turns TLS on)",
        serverError("--tls-ca", ca));
    assertEquals("--tls-client-auth require needs --tls-ca (the CA that signs the clients' certificates)",
        serverError("--tls-cert", shardCert, "--tls-key", shardKey, "--tls-client-auth", "require"));
    assertEquals("--tls-client-auth: expected none, optional or require, got 'always'",
        serverError("--tls-cert", shardCert, "--tls-key", shardKey, "--tls-client-auth", "always"));
    assertEquals("--health-port must be in [0, 65535], got 70000", serverError("--health-port", "70000"));
  }

  @Test
  void badFilesAreRefusedAtStartUpNamingTheFlag() throws Exception {
    Path missing = tmp.resolve("missing.pem");
    assertEquals("--tls-cert " + missing + ": no such file",
        serverError("--tls-cert", missing.toString(), "--tls-key", shardKey));
    Path text = Files.writeString(tmp.resolve("ca.txt"), "hello\n");
    assertEquals("--tls-ca " + text + ": not a PEM file (no -----BEGIN ...----- block)",
        serverError("--tls-cert", shardCert, "--tls-key", shardKey, "--tls-ca", text.toString()));
    assertEquals("--tls-key does not match the certificate of --tls-cert (it is not the key the certificate was"
        + " issued for)", serverError("--tls-cert", shardCert, "--tls-key", workerKey));
    assertEquals("--tls-key does not match the certificate of --tls-cert (it is not the key the certificate was"
        + " issued for)", workerError("--tls-ca", ca, "--tls-cert", workerCert, "--tls-key", shardKey));
    assertEquals("--tls-ca " + missing + ": no such file", workerError("--tls-ca", missing.toString()));
  }

  @Test
  void eachWrongCombinationOfWorkerFlagsNamesTheFlags() {
    assertEquals("--tls-cert needs --tls-ca (the CA that signed the shards' certificates, which turns TLS on)",
        workerError("--tls-cert", workerCert, "--tls-key", workerKey));
    assertEquals("--tls-cert and --tls-key go together: a client certificate needs its key",
        workerError("--tls-ca", ca, "--tls-cert", workerCert));
    assertEquals("--tls-cert and --tls-key go together: a client certificate needs its key",
        workerError("--tls-ca", ca, "--tls-key", workerKey));
  }

  @Test
  void withoutTlsTheClientSettingsAreNull() throws Exception {
    assertNull(worker(List.of(), Map.of()).tls());
    assertNull(server(List.of(), Map.of()).tls());
  }
}
