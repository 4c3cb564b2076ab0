package io.impetus.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.impetus.tls.CertificateSet;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The container image runs the job the manifests describe: one shard and two workers as containers,
 * each with exactly the arguments and environment the rendered base gives its pod (the sizes set to
 * one shard and two workers, as an overlay would, and the completion index an Indexed Job sets), as
 * the pods' numeric user with a read-only root, no capabilities and no privilege escalation, /tmp a
 * volume and a host folder where the results volume (the PersistentVolumeClaim) would be, each with
 * a network of its own, the shard's DNS name mapped to its container's address, the token and the
 * certificates (made by {@code impetus certs} in the image) mounted where the Secrets would be, so the
 * workers reach the shard over mutual TLS; then {@code impetus summarize}, in the image, completes the
 * run folder the containers left on that volume. And a study command draws its plot in the image.
 *
 * <p>Needs podman or docker (engine answering) and the image ({@code mvn -B -Pimage package}, or
 * {@code deploy/image/test-image.sh}, which builds it and runs this test); skipped with the reason
 * otherwise, as in a plain {@code mvn -B verify}.
 */
class ImageRunIT {
  private static final Path IMAGE_TAR = Path.of(System.getProperty("impetus.image.tar", "target/impetus-image.tar"));
  private static final String IMAGE = "impetus:local";
  private static final long MINUTES = 5;
  private static String engine;

  private final String run = "impetus-it-" + UUID.randomUUID().toString().substring(0, 8);
  private final List<String> containers = new ArrayList<>();
  private Thread shardLogCopier;

  @TempDir
  Path tmp;

  @BeforeAll
  static void loadTheImage() throws Exception {
    engine = List.of("podman", "docker").stream().filter(ImageRunIT::answers).findFirst().orElse(null);
    Assumptions.assumeTrue(engine != null, "no container engine answers (apt-get install podman runc; see docs/kubernetes.md)");
    Assumptions.assumeTrue(Files.exists(IMAGE_TAR), "no image at " + IMAGE_TAR + " (mvn -B -Pimage package -DskipTests)");
    // An image left by an earlier -Pimage build holds an older jar: testing it would test old code.
    Path jar = Path.of(System.getProperty("impetus.jar", "target/impetus.jar"));
    Assumptions.assumeTrue(!Files.exists(jar)
            || !Files.getLastModifiedTime(IMAGE_TAR).toInstant().isBefore(Files.getLastModifiedTime(jar).toInstant()),
        "the image at " + IMAGE_TAR + " is older than " + jar + " (rebuild it: mvn -B -Pimage package -DskipTests)");
    Result load = exec(List.of(engine, "load", "-i", IMAGE_TAR.toString()));
    assertEquals(0, load.exit(), "loading the image: " + load.output());
  }

  @AfterEach
  void removeContainers() throws Exception {
    for (String c : containers) {
      exec(List.of(engine, "rm", "-f", c));
    }
  }

  @Test
  void oneShardAndTwoWorkersTrainAsTheManifestsSayAndExitZero() throws Exception {
    List<JsonNode> objects = KubernetesManifestsTest.kubectlAvailable()
        ? KubernetesManifestsTest.parse(KubernetesManifestsTest.kustomize(Path.of("k8s/base")))
        : KubernetesManifestsTest.baseFiles(Path.of("k8s"));
    Map<String, Map<String, String>> configMaps = new HashMap<>();
    Map<String, JsonNode> jobs = new HashMap<>();
    for (JsonNode o : objects) {
      String name = o.at("/metadata/name").asText();
      if (o.get("kind").asText().equals("ConfigMap")) {
        Map<String, String> data = new HashMap<>();
        o.path("data").fields().forEachRemaining(e -> data.put(e.getKey(), e.getValue().asText()));
        configMaps.put(name, data);
      } else if (o.get("kind").asText().equals("Job")) {
        jobs.put(name, o);
      }
    }
    // The sizes, where an overlay sets them.
    configMaps.get("impetus-config").put("IMPETUS_NUM_SHARDS", "1");
    configMaps.get("impetus-config").put("IMPETUS_WORKERS", "2");
    Path volume = Files.createDirectories(tmp.resolve("volume"));
    Files.setPosixFilePermissions(volume, PosixFilePermissions.fromString("rwxrwxrwx"));
    Path runs = runsVolume();

    JsonNode shardPod = jobs.get("impetus-ps").at("/spec/template");
    // The TLS Secret, made as docs/security.md says: the shards' names are <pod>.<subdomain>.
    makeCertificates("*." + shardPod.at("/spec/subdomain").asText());
    Map<String, String> shardEnv = KubernetesManifestsTest.containerEnv(shardPod, configMaps);
    shardEnv.put("JOB_COMPLETION_INDEX", "0");
    Path shardLog = tmp.resolve("shard.log");
    Process shard = new ProcessBuilder(container("ps-0", shardPod, shardEnv, volume, List.of())).redirectErrorStream(true).start();
    String shardAddress = waitForAddress(shard, shardLog, "ps-0");

    JsonNode workerPod = jobs.get("impetus-worker").at("/spec/template");
    // Shard 0's DNS name, as the headless Service would resolve it.
    String dnsName = "impetus-ps-0." + shardPod.at("/spec/subdomain").asText();
    List<Process> workers = new ArrayList<>();
    for (int rank = 0; rank < 2; rank++) {
      Map<String, String> env = KubernetesManifestsTest.containerEnv(workerPod, configMaps);
      env.put("JOB_COMPLETION_INDEX", Integer.toString(rank));
      workers.add(start(container("worker-" + rank, workerPod, env, volume, List.of("--add-host", dnsName + ":" + shardAddress)),
          tmp.resolve("worker-" + rank + ".log")));
    }
    for (int rank = 0; rank < 2; rank++) {
      Process w = workers.get(rank);
      assertTrue(w.waitFor(MINUTES, TimeUnit.MINUTES), "worker " + rank + " did not finish; " + log(tmp.resolve("worker-" + rank + ".log")));
      assertEquals(0, w.exitValue(), "worker " + rank + ": " + log(tmp.resolve("worker-" + rank + ".log")));
      assertTrue(Files.readString(tmp.resolve("worker-" + rank + ".log")).contains("worker " + rank + " done:"),
          log(tmp.resolve("worker-" + rank + ".log")));
    }
    // Both workers left: the shard prints its final status and exits 0 on its own, as its Job needs.
    assertTrue(shard.waitFor(MINUTES, TimeUnit.MINUTES), "the shard did not exit after the workers left; " + log(shardLog));
    shardLogCopier.join(TimeUnit.MINUTES.toMillis(1)); // the shard's last lines are in its log
    assertEquals(0, shard.exitValue(), log(shardLog));
    assertTrue(Files.readString(shardLog).contains("IMPETUS_FINISHED"), log(shardLog));

    // The run folder the pods left on the results volume, completed by impetus summarize in the image.
    String runDir = shardEnv.get("IMPETUS_RUN_DIR");
    String mount = runDir.substring(0, runDir.lastIndexOf('/'));
    Path folder = runs.resolve(runDir.substring(mount.length() + 1));
    for (String file : List.of("shards/shard-0-status.json", "checkpoints/shard-0", "workers/worker-0-settings.json",
        "workers/worker-1.csv", "workers/worker-1.json", "workers/worker-1-staleness.csv")) {
      assertTrue(Files.exists(folder.resolve(file)), file + " is missing from the run folder " + folder);
    }
    String name = run + "-summarize";
    containers.add(name);
    Result summarize = exec(List.of(engine, "run", "--name", name, "--user", "65532:65532", "--read-only",
        "--cap-drop", "ALL", "-v", runs + ":" + mount, IMAGE, "summarize", runDir));
    assertEquals(0, summarize.exit(), summarize.output());
    JsonNode summary = new com.fasterxml.jackson.databind.ObjectMapper().readTree(folder.resolve("summary.json").toFile());
    assertEquals("completed", summary.get("status").asText(), summary.toString());
    assertEquals(2, summary.get("workers").asInt());
    assertEquals(1, summary.get("shards").asInt());
    assertTrue(summary.get("train_loss").isNumber(), "the final checkpoint evaluated: " + summary);
    assertTrue(summary.path("problems").isMissingNode(), summary.toString());
    for (String file : List.of("metrics.csv", "staleness.csv", "loss.png")) {
      assertTrue(Files.size(folder.resolve(file)) > 0, file);
    }
  }

  /**
   * The host folder standing in for the results volume: writable by the pods' user, as a volume with
   * their fsGroup would be.
   */
  private Path runsVolume() throws IOException {
    Path runs = Files.createDirectories(tmp.resolve("runs"));
    Files.setPosixFilePermissions(runs, PosixFilePermissions.fromString("rwxrwxrwx"));
    return runs;
  }

  @Test
  void aStudyCommandDrawsItsPlotInTheImage() throws Exception {
    Path volume = Files.createDirectories(tmp.resolve("volume"));
    Files.setPosixFilePermissions(volume, PosixFilePermissions.fromString("rwxrwxrwx"));
    String name = run + "-study";
    containers.add(name);
    Result study = exec(List.of(engine, "run", "--name", name, "--user", "65532:65532", "--read-only",
        "-v", volume + ":/tmp", IMAGE, "study", "stability", "--delays", "0,1,2", "--out", "/tmp/stability"));
    assertEquals(0, study.exit(), study.output());
    Path png = volume.resolve("stability/stability.png");
    assertTrue(Files.size(png) > 1000, "stability.png: " + Files.size(png) + " bytes");
  }

  /** {@code ENGINE run} for one pod: its args, its environment, its user and root as the manifests say. */
  private List<String> container(String role, JsonNode pod, Map<String, String> env, Path volume, List<String> extra)
      throws IOException {
    String name = run + "-" + role;
    containers.add(name);
    JsonNode c = pod.at("/spec/containers/0");
    List<String> cmd = new ArrayList<>(List.of(engine, "run", "--name", name));
    JsonNode security = pod.at("/spec/securityContext");
    cmd.addAll(List.of("--user", security.path("runAsUser").asText() + ":" + security.path("runAsGroup").asText()));
    if (c.at("/securityContext/readOnlyRootFilesystem").asBoolean()) {
      cmd.add("--read-only");
    }
    if (!c.at("/securityContext/allowPrivilegeEscalation").asBoolean(true)) {
      cmd.addAll(List.of("--security-opt", "no-new-privileges"));
    }
    for (JsonNode cap : c.at("/securityContext/capabilities/drop")) {
      cmd.addAll(List.of("--cap-drop", cap.asText()));
    }
    for (JsonNode mount : c.path("volumeMounts")) {
      JsonNode source = KubernetesManifestsTest.podVolume(pod, mount.get("name").asText());
      if (source.has("persistentVolumeClaim")) {
        // The results volume: one folder for every pod, as the claim is one volume.
        cmd.addAll(List.of("-v", runsVolume() + ":" + mount.get("mountPath").asText()));
      } else if (source.has("secret")) {
        // A Secret the pod mounts (the job's bearer token, the certificates): its keys as files, read-only.
        cmd.addAll(List.of("-v", secretDir(source.at("/secret/secretName").asText()) + ":" + mount.get("mountPath").asText()
            + ":ro"));
      } else {
        cmd.addAll(List.of("-v", volume + ":" + mount.get("mountPath").asText()));
      }
    }
    env.forEach((k, v) -> cmd.addAll(List.of("-e", k + "=" + v)));
    cmd.addAll(extra);
    cmd.add(IMAGE);
    for (JsonNode a : c.get("args")) {
      cmd.add(a.asText());
    }
    return cmd;
  }

  /**
   * Makes the certificates with {@code impetus certs} in the image (as the pods' user, on a read-only
   * root) and puts the files the Secret {@link CertsCommand#SECRET} holds (all but the CA key) into its
   * stand-in folder, readable by the pods' user as the Secret's mode and fsGroup make them.
   */
  private void makeCertificates(String shardHosts) throws Exception {
    Path work = Files.createDirectories(tmp.resolve("certs"));
    Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxrwxrwx"));
    String name = run + "-certs";
    containers.add(name);
    Result certs = exec(List.of(engine, "run", "--name", name, "--user", "65532:65532", "--read-only", "-v",
        work + ":/out", IMAGE, "certs", "/out/tls", "--shard-hosts", shardHosts));
    assertEquals(0, certs.exit(), certs.output());
    assertTrue(certs.output().contains("kubectl create secret generic " + CertsCommand.SECRET), certs.output());
    Path secret = Files.createDirectories(tmp.resolve("secret-" + CertsCommand.SECRET));
    for (String f : CertificateSet.SECRET_FILES) {
      Files.copy(work.resolve("tls").resolve(f), secret.resolve(f));
      Files.setPosixFilePermissions(secret.resolve(f), PosixFilePermissions.fromString("rw-r--r--"));
    }
    Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  /**
   * A folder standing in for Secret {@code name}, as {@code kubectl create secret generic} would make
   * it: the token Secret holds a random {@code token}, readable by the pods' user; the TLS Secret is
   * the one {@link #makeCertificates} made.
   */
  private Path secretDir(String name) throws IOException {
    Path dir = tmp.resolve("secret-" + name);
    if (name.equals(CertsCommand.SECRET)) {
      assertTrue(Files.isDirectory(dir), "the certificates are made before the pods start");
    } else if (!Files.exists(dir)) {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("token"), UUID.randomUUID().toString().replace("-", "") + "\n");
      Files.setPosixFilePermissions(dir.resolve("token"), PosixFilePermissions.fromString("rw-r--r--"));
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    return dir;
  }

  /**
   * The shard container's address once it listens: its output is copied to {@code log} line by line,
   * and the line IMPETUS_LISTENING releases the wait (blocking reads, no polling).
   */
  private String waitForAddress(Process shard, Path log, String role) throws Exception {
    CompletableFuture<Void> listening = new CompletableFuture<>();
    Thread tee = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(shard.getInputStream(), StandardCharsets.UTF_8));
          var w = Files.newBufferedWriter(log)) {
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          w.write(line);
          w.newLine();
          w.flush();
          if (line.startsWith(ServerCommand.LISTENING)) {
            listening.complete(null);
          }
        }
        listening.completeExceptionally(new AssertionError("the shard exited before listening: " + log(log)));
      } catch (IOException e) {
        listening.completeExceptionally(e);
      }
    }, "shard-log");
    tee.setDaemon(true);
    tee.start();
    shardLogCopier = tee;
    listening.get(MINUTES, TimeUnit.MINUTES);
    Result inspect = exec(List.of(engine, "inspect", "-f", "{{.NetworkSettings.IPAddress}}", run + "-" + role));
    assertEquals(0, inspect.exit(), inspect.output());
    String address = inspect.output().trim();
    assertTrue(address.matches("[0-9.]+"), "the shard container's address: '" + address + "'");
    return address;
  }

  private static Process start(List<String> command, Path log) throws IOException {
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  private static String log(Path file) {
    try {
      String text = Files.readString(file);
      return file.getFileName() + ":\n" + (text.length() > 4000 ? text.substring(text.length() - 4000) : text);
    } catch (IOException e) {
      return file + " unreadable: " + e.getMessage();
    }
  }

  private static boolean answers(String engine) {
    try {
      return exec(List.of(engine, "info")).exit() == 0;
    } catch (Exception notThere) {
      return false;
    }
  }

  private record Result(int exit, String output) {}

  private static Result exec(List<String> command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(MINUTES, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError(String.join(" ", command) + " did not finish");
    }
    return new Result(p.exitValue(), out);
  }
}
