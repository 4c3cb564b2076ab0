package io.impetus.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.grpc.TlsServerCredentials.ClientAuth;
import io.impetus.model.DataOptions;
import io.impetus.model.ModelCatalog;
import io.impetus.model.ParameterLayout;
import io.impetus.shard.ExpectedLayout;
import io.impetus.shard.ServerConfig;
import io.impetus.shard.ShardHealth;
import io.impetus.tls.CertificateSet;
import io.impetus.train.WorkerConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.cli.ParseException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kubernetes manifests (deploy/k8s) without a cluster: they parse into the objects we expect,
 * every pod's args and environment parse with our own CLI into the config it should have (shard
 * index and rank from the completion index, the server list from the headless Service's DNS names),
 * and ports, probes and metrics annotations agree with the CLI. The overlay is rendered with
 * {@code kubectl kustomize} when kubectl is installed; the base is also read file by file.
 */
class KubernetesManifestsTest {
  private static final Path K8S = Path.of("k8s");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  /** The keys each Secret the manifests mount holds (docs/kubernetes.md, docs/security.md). */
  private static final Map<String, List<String>> SECRET_KEYS =
      Map.of("impetus-token", List.of("token"), "impetus-tls", CertificateSet.SECRET_FILES);

  /** This test's copy of each Secret: a folder per Secret, a file per key. */
  @TempDir static Path secrets;

  @BeforeAll
  static void makeSecrets() throws Exception {
    Files.createDirectories(secrets.resolve("impetus-token"));
    Files.writeString(secrets.resolve("impetus-token/token"), "0123456789abcdef0123456789abcdef");
    CertificateSet.create(secrets.resolve("impetus-tls"), List.of("*.impetus-ps"), 1, false);
  }

  @Test
  void theBaseFilesDescribeAConsistentJob() throws Exception {
    check(baseFiles(K8S), 2, 4, null, null);
  }

  /**
   * The base's objects read file by file, with the labels its kustomization gives every pod template
   * (as {@code kubectl kustomize} would add them; the pods' environment refers to them).
   */
  static List<JsonNode> baseFiles(Path k8s) throws IOException {
    List<JsonNode> objects = new ArrayList<>();
    JsonNode kustomization = YAML.readTree(k8s.resolve("base/kustomization.yaml").toFile());
    for (JsonNode resource : kustomization.get("resources")) {
      objects.addAll(parse(Files.readString(k8s.resolve("base").resolve(resource.asText()))));
    }
    for (JsonNode o : objects) {
      JsonNode labels = o.at("/spec/template/metadata/labels");
      if (labels instanceof com.fasterxml.jackson.databind.node.ObjectNode template) {
        for (JsonNode pairs : kustomization.path("labels")) {
          pairs.get("pairs").fields().forEachRemaining(e -> template.set(e.getKey(), e.getValue()));
        }
      }
    }
    return objects;
  }

  @Test
  void theOverlaysNamespacesEnforceTheRestrictedPodSecurityProfile() throws Exception {
    for (String overlay : List.of("example", "jobset")) {
      JsonNode namespace = YAML.readTree(K8S.resolve("overlays/" + overlay + "/namespace.yaml").toFile());
      assertEquals("restricted", namespace.at("/metadata/labels/pod-security.kubernetes.io~1enforce").asText(), overlay);
    }
  }

  @Test
  void theKindOverlayIsTheExampleOnAReadWriteOnceVolume() throws Exception {
    Assumptions.assumeTrue(kubectlAvailable(), "kubectl is not installed");
    List<JsonNode> objects = parse(kustomize(K8S.resolve("overlays/kind")));
    check(objects, 3, 6, "impetus-example", "example");
    JsonNode claim = objects.stream().filter(o -> o.get("kind").asText().equals("PersistentVolumeClaim")).findFirst()
        .orElseThrow();
    assertEquals("[\"ReadWriteOnce\"]", claim.at("/spec/accessModes").toString());
  }

  @Test
  void theResultsPodMountsTheRunsVolumeReadOnlyUnderTheRestrictedProfile() throws Exception {
    JsonNode pod = YAML.readTree(K8S.resolve("collect/results-pod.yaml").toFile());
    assertRestricted(pod);
    assertEquals("impetus-runs", pod.at("/spec/volumes/0/persistentVolumeClaim/claimName").asText());
    assertTrue(pod.at("/spec/containers/0/volumeMounts/0/readOnly").asBoolean());
    assertEquals(RUNS, pod.at("/spec/containers/0/volumeMounts/0/mountPath").asText());
  }

  /** Where every pod mounts the results volume. */
  private static final String RUNS = "/runs";

  /**
   * A pod (template) meets the {@code restricted} Pod Security profile: a numeric non-root user, no
   * privilege escalation, every capability dropped, the runtime's seccomp profile; and it gets no
   * service-account token.
   */
  static void assertRestricted(JsonNode pod) {
    JsonNode security = pod.at("/spec/securityContext");
    String where = pod.at("/metadata").toString();
    assertTrue(security.path("runAsNonRoot").asBoolean(), where);
    assertTrue(security.path("runAsUser").asInt() > 0, where);
    assertEquals("RuntimeDefault", security.at("/seccompProfile/type").asText(), where);
    assertFalse(pod.at("/spec/automountServiceAccountToken").asBoolean(true), where);
    for (JsonNode c : pod.at("/spec/containers")) {
      assertFalse(c.at("/securityContext/allowPrivilegeEscalation").asBoolean(true), where);
      assertEquals("[\"ALL\"]", c.at("/securityContext/capabilities/drop").toString(), where);
      assertTrue(c.at("/securityContext/capabilities/add").isMissingNode(), where);
    }
    for (JsonNode v : pod.at("/spec/volumes")) {
      assertTrue(v.has("emptyDir") || v.has("secret") || v.has("persistentVolumeClaim") || v.has("configMap"),
          "a volume type the restricted profile allows: " + v);
    }
  }

  @Test
  void kustomizeRendersTheBaseAndTheExampleOverlay() throws Exception {
    Assumptions.assumeTrue(kubectlAvailable(), "kubectl is not installed");
    check(parse(kustomize(K8S.resolve("base"))), 2, 4, null, "impetus");
    check(parse(kustomize(K8S.resolve("overlays/example"))), 3, 6, "impetus-example", "example");
  }

  @Test
  void theJobSetOverlayRunsTheSameJobsAsOneJobSet() throws Exception {
    Assumptions.assumeTrue(kubectlAvailable(), "kubectl is not installed");
    List<JsonNode> objects = parse(kustomize(K8S.resolve("overlays/jobset")));
    assertTrue(objects.stream().noneMatch(o -> o.get("kind").asText().equals("Job")), "the JobSet replaces the Jobs");
    JsonNode jobSet = objects.stream().filter(o -> o.get("kind").asText().equals("JobSet")).findFirst().orElseThrow();
    assertEquals("workers", jobSet.at("/spec/successPolicy/targetReplicatedJobs/0").asText());
    check(objects, 2, 4, "impetus-jobset", "impetus");
  }

  @Test
  void theSizesLiveInOneConfigMapAndTheComponentCopiesThemIntoTheJobs() throws Exception {
    Assumptions.assumeTrue(kubectlAvailable(), "kubectl is not installed");
    // The example overlay states 3 shards and 6 workers once, in its configMapGenerator; check() above
    // finds them in the Jobs. Here: nothing else in the overlay names a size.
    String overlay = Files.readString(K8S.resolve("overlays/example/kustomization.yaml"));
    assertEquals(1, count(overlay, "IMPETUS_NUM_SHARDS"));
    assertEquals(1, count(overlay, "IMPETUS_WORKERS"));
    assertFalse(overlay.contains("completions") || overlay.contains("parallelism") || overlay.contains("IMPETUS_SERVERS"));
  }

  private static int count(String text, String word) {
    return text.split(Pattern.quote(word), -1).length - 1;
  }

  /** A JobSet's replicated job as a Job: its template (a Job template, with spec) and a name. */
  private static JsonNode replicatedJob(JsonNode jobSet, String name) {
    for (JsonNode r : jobSet.at("/spec/replicatedJobs")) {
      if (r.get("name").asText().equals(name)) {
        assertEquals(1, r.path("replicas").asInt(1), name + ": one Job per replicated job");
        return r.get("template");
      }
    }
    throw new AssertionError("JobSet has no replicated job " + name);
  }

  /** Shard i's pod hostname: NAME-i for an Indexed Job, JOBSET-ps-0-i in a JobSet. */
  private static String shardHostname(JsonNode shardJob, JsonNode jobSet, int i) {
    return jobSet == null ? shardJob.at("/metadata/name").asText() + "-" + i
        : jobSet.at("/metadata/name").asText() + "-ps-0-" + i;
  }

  /** Every object and pod template has the recommended labels, with this instance. */
  private static void assertRecommendedLabels(List<JsonNode> objects, String instance) {
    List<JsonNode> labelled = new ArrayList<>();
    for (JsonNode o : objects) {
      if (o.get("kind").asText().equals("Namespace")) {
        continue; // the run's namespace may hold other things, or exist already
      }
      labelled.add(o.at("/metadata/labels"));
      if (!o.at("/spec/template/metadata/labels").isMissingNode()) {
        labelled.add(o.at("/spec/template/metadata/labels"));
      }
      for (JsonNode r : o.at("/spec/replicatedJobs")) {
        labelled.add(r.at("/template/spec/template/metadata/labels"));
      }
    }
    for (JsonNode labels : labelled) {
      assertEquals("impetus", labels.path("app.kubernetes.io/name").asText(), labels.toString());
      assertEquals(instance, labels.path("app.kubernetes.io/instance").asText(), labels.toString());
      assertEquals("impetus", labels.path("app.kubernetes.io/part-of").asText(), labels.toString());
      assertFalse(labels.path("app.kubernetes.io/version").asText().isEmpty(), labels.toString());
    }
    for (JsonNode o : objects) {
      if (!o.get("kind").asText().equals("Namespace")) {
        assertFalse(o.at("/metadata/labels/app.kubernetes.io~1component").asText().isEmpty(), o.at("/metadata").toString());
      }
    }
  }

  @Test
  void theShardIndexComesFromTheCompletionIndexOrThePodNameInsideKubernetesOnly() throws Exception {
    assertEquals(3, ServerCommand.shardIndex(flags(new ServerCommand(), List.of(),
        Map.of("HOSTNAME", "impetus-ps-3", "KUBERNETES_SERVICE_HOST", "10.0.0.1"))));
    assertEquals(0, ServerCommand.shardIndex(flags(new ServerCommand(), List.of(), Map.of("HOSTNAME", "build-2"))));
    assertEquals(1, ServerCommand.shardIndex(flags(new ServerCommand(), List.of(),
        Map.of("JOB_COMPLETION_INDEX", "1", "HOSTNAME", "impetus-ps-3", "KUBERNETES_SERVICE_HOST", "10.0.0.1"))));
    assertEquals(2, ServerCommand.shardIndex(flags(new ServerCommand(), List.of("--shard-index", "2"),
        Map.of("IMPETUS_SHARD_INDEX", "1"))));
  }

  /**
   * Checks a rendered set of objects for S shards and N workers in {@code namespace} (null: none set),
   * with the recommended labels naming {@code instance} (null: not checked, for files read one by one).
   */
  private static void check(List<JsonNode> objects, int shards, int workers, String namespace, String instance)
      throws Exception {
    Map<String, JsonNode> byKindAndName = new HashMap<>();
    for (JsonNode o : objects) {
      assertTrue(o.hasNonNull("apiVersion") && o.hasNonNull("kind") && o.path("metadata").hasNonNull("name"),
          "not a Kubernetes object: " + o);
      if (namespace != null && !o.get("kind").asText().equals("Namespace")) {
        assertEquals(namespace, o.path("metadata").path("namespace").asText(), o.path("metadata").toString());
      }
      byKindAndName.put(o.get("kind").asText() + "/" + o.get("metadata").get("name").asText(), o);
    }
    Map<String, Map<String, String>> configMaps = new HashMap<>();
    for (Map.Entry<String, JsonNode> o : byKindAndName.entrySet()) {
      if (o.getKey().startsWith("ConfigMap/")) {
        Map<String, String> values = new HashMap<>();
        o.getValue().path("data").fields().forEachRemaining(e -> values.put(e.getKey(), e.getValue().asText()));
        configMaps.put(o.getValue().at("/metadata/name").asText(), values);
      }
    }
    // Either two Indexed Jobs with a headless Service (base, example), or one JobSet (overlays/jobset)
    // whose replicated jobs carry the same Job specs and which makes the headless Service itself.
    JsonNode jobSet = byKindAndName.get("JobSet/impetus");
    JsonNode service = jobSet == null ? require(byKindAndName, "Service/impetus-ps") : null;
    JsonNode shardJob = jobSet == null ? require(byKindAndName, "Job/impetus-ps") : replicatedJob(jobSet, "ps");
    JsonNode workerJob = jobSet == null ? require(byKindAndName, "Job/impetus-worker") : replicatedJob(jobSet, "workers");
    JsonNode server = shardJob.at("/spec/template/spec/containers/0");
    JsonNode worker = workerJob.at("/spec/template/spec/containers/0");
    // What each pod's environment gets from its ConfigMaps (envFrom) and env entries.
    Map<String, String> shardData = containerEnv(shardJob.at("/spec/template"), configMaps);
    Map<String, String> workerData = containerEnv(workerJob.at("/spec/template"), configMaps);
    // Each variable a pod is given is one its command really reads from the environment.
    assertReadBy(new ServerCommand(), shardData, server);
    assertReadBy(new WorkerCommand(), workerData, worker);

    JsonNode shardPod = shardJob.at("/spec/template");
    if (service != null) {
      // The headless Service publishes every shard pod, ready or not, under its hostname.
      assertEquals("None", service.at("/spec/clusterIP").asText());
      assertTrue(service.at("/spec/publishNotReadyAddresses").asBoolean());
      if (instance != null) { // the pods' instance label comes from kustomize
        service.at("/spec/selector").fields().forEachRemaining(e ->
            assertEquals(e.getValue().asText(), shardPod.at("/metadata/labels").path(e.getKey()).asText(), "selector " + e.getKey()));
      }
      // By instance and component: two runs can share a namespace.
      assertTrue(service.at("/spec/selector").has("app.kubernetes.io/instance"), service.toString());
      assertEquals("shard", service.at("/spec/selector/app.kubernetes.io~1component").asText());
      assertEquals(service.at("/metadata/name").asText(), shardPod.at("/spec/subdomain").asText());
    } else {
      assertTrue(jobSet.at("/spec/network/enableDNSHostnames").asBoolean());
      assertTrue(jobSet.at("/spec/network/publishNotReadyAddresses").asBoolean());
      assertEquals(jobSet.at("/spec/network/subdomain").asText(), shardPod.at("/spec/subdomain").asText());
    }
    if (instance != null) {
      assertRecommendedLabels(objects, instance);
    }

    // Both Jobs: Indexed, all pods at once, replaced on failure, a configuration error failing the Job.
    assertIndexedJob(shardJob, shards);
    assertIndexedJob(workerJob, workers);
    assertEquals(Integer.toString(shards), shardData.get("IMPETUS_NUM_SHARDS"));
    assertEquals(Integer.toString(workers), shardData.get("IMPETUS_WORKERS"));
    assertEquals(Integer.toString(workers), workerData.get("IMPETUS_WORKERS"));

    int grpcPort = containerPort(server, "grpc");
    int metricsPort = containerPort(server, "metrics");
    if (service != null) {
      assertEquals(grpcPort, servicePort(service, "grpc"));
      assertEquals(metricsPort, servicePort(service, "metrics"));
    }
    // Shard i's DNS name: <its pod's hostname>.<subdomain>; the workers derive these.
    List<String> expectedServers = new ArrayList<>();
    for (int i = 0; i < shards; i++) {
      expectedServers.add(shardHostname(shardJob, jobSet, i) + "." + shardPod.at("/spec/subdomain").asText() + ":" + grpcPort);
    }

    for (int i = 0; i < shards; i++) {
      Map<String, String> env = withSecrets(podEnv(shardData, i, shardHostname(shardJob, jobSet, i)), shardPod);
      Flags f = flags(new ServerCommand(), args(server, env), env);
      ServerConfig c = ServerCommand.parse(f);
      // The settings the ConfigMap states are the ones the shard runs with.
      assertEquals(shardData.get("IMPETUS_MODE"), c.mode().cliName());
      assertEquals(shardData.get("IMPETUS_OPTIMIZER"), c.optimizer().kind().cliName());
      assertEquals(Double.parseDouble(shardData.get("IMPETUS_LR")), c.optimizer().lr());
      assertEquals(Double.parseDouble(shardData.get("IMPETUS_MOMENTUM")), c.optimizer().momentum());
      assertEquals(Math.round(Double.parseDouble(shardData.get("IMPETUS_WORKER_TIMEOUT")) * 1000), c.workerTimeoutMillis());
      assertEquals(i, c.shardIndex());
      assertEquals(shards, c.numShards());
      assertEquals(workers, c.workers());
      assertEquals(grpcPort, c.port());
      assertEquals(Integer.valueOf(metricsPort), ServerCommand.metricsPort(f));
      assertTrue(ServerCommand.lifecycle(f).exitWhenFinished(), "shards must exit when the workers are done");
      assertTrue(ServerCommand.lifecycle(f).idleTimeoutMillis() > 0, "shards need an idle timeout in a cluster");
      // The shards refuse every Join but of the workers' model, before allocating anything.
      ParameterLayout model = ModelCatalog.layout(workerData.get("IMPETUS_MODEL"), DataOptions.defaults());
      assertEquals(ExpectedLayout.of(model.numParams(), model.fingerprint()), c.layoutLimits().expected());
      // Every call needs the token and a client certificate the job's CA signed (both from Secrets).
      assertNotNull(c.security().token());
      assertEquals(ClientAuth.REQUIRE, c.security().tls().clientAuth());
      assertEquals(containerPort(server, "health"), c.security().healthPort());
    }
    // Probes speak gRPC health to the plaintext health port (kubelet's probes speak no TLS): liveness
    // the whole server, readiness the shard.
    int healthPort = containerPort(server, "health");
    assertEquals(healthPort, server.at("/livenessProbe/grpc/port").asInt());
    assertEquals(ShardHealth.LIVENESS, server.at("/livenessProbe/grpc/service").asText(""));
    assertEquals(healthPort, server.at("/readinessProbe/grpc/port").asInt());
    assertEquals(ShardHealth.READINESS, server.at("/readinessProbe/grpc/service").asText());

    for (int r = 0; r < workers; r++) {
      Map<String, String> env = withSecrets(podEnv(workerData, r, jobSet == null
          ? workerJob.at("/metadata/name").asText() + "-" + r : "impetus-workers-0-" + r), workerJob.at("/spec/template"));
      Flags f = flags(new WorkerCommand(), args(worker, env), env);
      WorkerConfig c = WorkerCommand.parse(f);
      assertEquals(workerData.get("IMPETUS_MODEL"), c.model());
      assertEquals(Integer.parseInt(workerData.get("IMPETUS_BATCH_SIZE")), c.batchSize());
      assertEquals(Integer.valueOf(workerData.get("IMPETUS_EPOCHS")), c.epochs());
      assertEquals(Long.parseLong(workerData.get("IMPETUS_SEED")), c.seed());
      assertEquals(Boolean.parseBoolean(workerData.get("IMPETUS_OVERLAP")), c.overlap());
      assertEquals(r, c.rank());
      assertEquals(workers, c.workers());
      assertEquals(expectedServers, c.servers());
      assertEquals(Integer.valueOf(containerPort(worker, "metrics")), ServerCommand.metricsPort(f));
      assertNotNull(c.security().token());
      assertTrue(c.security().tls().mutual(), "workers present their client certificate");
    }

    for (JsonNode job : List.of(shardJob, workerJob)) {
      JsonNode pod = job.at("/spec/template");
      JsonNode container = pod.at("/spec/containers/0");
      assertEquals("true", pod.at("/metadata/annotations/prometheus.io~1scrape").asText());
      assertEquals(Integer.toString(containerPort(container, "metrics")), pod.at("/metadata/annotations/prometheus.io~1port").asText());
      assertEquals(MetricsEndpoint.PATH, pod.at("/metadata/annotations/prometheus.io~1path").asText());
      for (String kind : List.of("requests", "limits")) {
        assertFalse(container.at("/resources/" + kind + "/memory").isMissingNode(), kind + " memory");
        assertFalse(container.at("/resources/" + kind + "/cpu").isMissingNode(), kind + " cpu");
      }
      assertEquals("impetus-config", container.at("/envFrom/0/configMapRef/name").asText());
      assertRestricted(pod);
      // The results volume at /runs, and the run folder under it named after the instance.
      assertEquals("impetus-runs", podVolume(pod, mountedAt(container, RUNS)).at("/persistentVolumeClaim/claimName").asText());
    }
    String podInstance = shardPod.at("/metadata/labels/app.kubernetes.io~1instance").asText();
    assertEquals(RUNS + "/" + podInstance, shardData.get("IMPETUS_RUN_DIR"));
    assertEquals(RUNS + "/" + podInstance, workerData.get("IMPETUS_RUN_DIR"));
    JsonNode claim = require(byKindAndName, "PersistentVolumeClaim/impetus-runs");
    assertFalse(claim.at("/spec/resources/requests/storage").asText().isEmpty());
    assertNetworkPolicies(byKindAndName, shardPod, workerJob.at("/spec/template"), grpcPort);
  }

  /**
   * The shards admit only this run's workers (the worker pods' own labels select them) on the gRPC
   * port and the scraper on the metrics port; the workers admit only the scraper, on the metrics port.
   */
  private static void assertNetworkPolicies(Map<String, JsonNode> objects, JsonNode shardPod, JsonNode workerPod,
      int grpcPort) {
    JsonNode shards = require(objects, "NetworkPolicy/impetus-shards");
    JsonNode workers = require(objects, "NetworkPolicy/impetus-workers");
    assertSelects(shards.at("/spec/podSelector/matchLabels"), shardPod);
    assertSelects(workers.at("/spec/podSelector/matchLabels"), workerPod);
    assertTrue(shards.at("/spec/podSelector/matchLabels").has("app.kubernetes.io/instance"), "this run's shards only");
    JsonNode grpcRule = shards.at("/spec/ingress/0");
    assertEquals("grpc", grpcRule.at("/ports/0/port").asText());
    assertEquals(1, grpcRule.at("/from").size());
    JsonNode fromWorkers = grpcRule.at("/from/0/podSelector/matchLabels");
    assertSelects(fromWorkers, workerPod);
    assertEquals("worker", fromWorkers.path("app.kubernetes.io/component").asText());
    assertEquals(shardPod.at("/metadata/labels/app.kubernetes.io~1instance").asText(),
        fromWorkers.path("app.kubernetes.io/instance").asText(), "the workers of this run, not another's");
    assertTrue(grpcRule.at("/from/0/namespaceSelector").isMissingNode(), "the run's own namespace only");
    for (JsonNode metricsRule : List.of(shards.at("/spec/ingress/1"), workers.at("/spec/ingress/0"))) {
      assertEquals("metrics", metricsRule.at("/ports/0/port").asText());
      JsonNode scraper = metricsRule.at("/from/0");
      assertFalse(scraper.at("/namespaceSelector/matchLabels").isEmpty(), "the scraper's namespace: " + scraper);
      assertTrue(scraper.at("/podSelector/matchLabels").isMissingNode(),
          "the scraper's pods by matchExpressions, which an overlay's instance label leaves alone: " + scraper);
      assertFalse(scraper.at("/podSelector/matchExpressions").isEmpty(), scraper.toString());
    }
    assertEquals(2, shards.at("/spec/ingress").size());
    assertEquals(1, workers.at("/spec/ingress").size());
    assertTrue(grpcPort > 0);
  }

  /** {@code selector}'s labels are all on {@code pod}'s template. */
  private static void assertSelects(JsonNode selector, JsonNode pod) {
    assertFalse(selector.isEmpty(), "an empty selector selects every pod");
    selector.fields().forEachRemaining(e -> assertEquals(e.getValue().asText(),
        pod.at("/metadata/labels").path(e.getKey()).asText(), "selector " + e.getKey()));
  }

  /** The name of the volume {@code container} mounts at {@code path}. */
  private static String mountedAt(JsonNode container, String path) {
    for (JsonNode m : container.path("volumeMounts")) {
      if (m.get("mountPath").asText().equals(path)) {
        return m.get("name").asText();
      }
    }
    throw new AssertionError("nothing is mounted at " + path + " in " + container.get("name"));
  }

  /** The volume {@code name} of {@code pod}. */
  static JsonNode podVolume(JsonNode pod, String name) {
    for (JsonNode v : pod.at("/spec/volumes")) {
      if (v.get("name").asText().equals(name)) {
        return v;
      }
    }
    throw new AssertionError("the pod mounts volume " + name + ", which it does not define");
  }

  /**
   * The variables the first container of {@code pod} (a pod template) gets, as the kubelet makes
   * them: every key of its envFrom ConfigMaps, then its env entries in order, a label's value for a
   * {@code fieldRef} to {@code metadata.labels['KEY']}, and {@code $(VAR)} in a value replaced by an
   * earlier entry's value.
   */
  static Map<String, String> containerEnv(JsonNode pod, Map<String, Map<String, String>> configMaps) {
    JsonNode container = pod.at("/spec/containers/0");
    Map<String, String> env = new HashMap<>();
    for (JsonNode from : container.path("envFrom")) {
      String name = from.at("/configMapRef/name").asText();
      assertTrue(configMaps.containsKey(name), "envFrom names ConfigMap " + name + ", which is not defined");
      env.putAll(configMaps.get(name));
    }
    Map<String, String> entries = new HashMap<>();
    Pattern label = Pattern.compile("metadata\\.labels\\['([^']+)'\\]");
    for (JsonNode e : container.path("env")) {
      String value;
      String field = e.at("/valueFrom/fieldRef/fieldPath").asText();
      if (field.equals("status.podIP")) {
        // The pod's IP (downward API) has no value outside Kubernetes: a container's every address stands in.
        value = "0.0.0.0";
      } else if (e.has("valueFrom")) {
        Matcher m = label.matcher(field);
        assertTrue(m.matches(), "only the pod's IP and label fieldRefs are expected: " + e);
        value = pod.at("/metadata/labels").path(m.group(1)).asText(null);
        assertNotNull(value, "env " + e.get("name").asText() + " refers to label " + m.group(1) + ", which the pod lacks");
      } else {
        value = expand(e.path("value").asText(), entries);
      }
      entries.put(e.get("name").asText(), value);
    }
    env.putAll(entries);
    return env;
  }

  /** {@code value} with every {@code $(VAR)} replaced by {@code defined}'s VAR, as the kubelet expands env values. */
  private static String expand(String value, Map<String, String> defined) {
    Matcher m = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)").matcher(value);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      String v = defined.get(m.group(1));
      assertNotNull(v, "env value " + value + " refers to " + m.group(1) + ", which no earlier entry defines");
      m.appendReplacement(sb, Matcher.quoteReplacement(v));
    }
    return m.appendTail(sb).toString();
  }

  /**
   * Names of the env entries of {@code container} that exist only to be expanded into another
   * entry's value ({@code INSTANCE} into {@code IMPETUS_RUN_DIR}): the process need not read them.
   */
  private static List<String> expansionOnly(JsonNode container) {
    List<String> names = new ArrayList<>();
    for (JsonNode e : container.path("env")) {
      String name = e.get("name").asText();
      for (JsonNode other : container.path("env")) {
        if (other.path("value").asText().contains("$(" + name + ")")) {
          names.add(name);
        }
      }
    }
    return names;
  }

  /**
   * Every variable a pod is given is in {@code command}'s environment table, the one its parser
   * reads and its help lists: the manifests set nothing that the process would silently ignore.
   */
  private static void assertReadBy(Command command, Map<String, String> env, JsonNode container) {
    List<String> read = command.environment().stream().map(EnvVar::name).toList();
    List<String> expansions = expansionOnly(container);
    for (String name : env.keySet()) {
      if (expansions.contains(name)) {
        continue;
      }
      assertTrue(read.contains(name), "the manifests give impetus " + command.name() + " " + name
          + ", which it does not read (it reads " + read + ")");
    }
  }

  private static void assertIndexedJob(JsonNode job, int size) {
    assertEquals("Indexed", job.at("/spec/completionMode").asText());
    assertEquals(size, job.at("/spec/completions").asInt());
    assertEquals(size, job.at("/spec/parallelism").asInt());
    // Never, which a podFailurePolicy requires: a failed pod is replaced, with the same index and hostname.
    assertEquals("Never", job.at("/spec/template/spec/restartPolicy").asText());
    JsonNode failJob = job.at("/spec/podFailurePolicy/rules/0");
    assertEquals("FailJob", failJob.path("action").asText());
    assertEquals("[2]", failJob.at("/onExitCodes/values").toString(), "a configuration error (exit code 2) is not retried");
    assertEquals("impetus", failJob.at("/onExitCodes/containerName").asText());
    assertTrue(job.at("/spec/ttlSecondsAfterFinished").asInt() > 0);
    assertTrue(job.at("/spec/activeDeadlineSeconds").asInt() > 0);
  }

  /** What a pod of an Indexed Job sees: the ConfigMap, its completion index, its hostname, Kubernetes. */
  private static Map<String, String> podEnv(Map<String, String> data, int index, String hostname) {
    Map<String, String> env = new HashMap<>(data);
    env.put("JOB_COMPLETION_INDEX", Integer.toString(index));
    env.put("HOSTNAME", hostname);
    env.put("KUBERNETES_SERVICE_HOST", "10.96.0.1");
    return env;
  }

  /**
   * {@code env} with every path into a Secret that {@code pod} mounts replaced by the path of this
   * test's copy of that Secret. Each such path must name a key the Secret holds, and each Secret must be
   * optional (a pod without it starts, and the command exits 2 naming the missing file: it fails closed).
   */
  private static Map<String, String> withSecrets(Map<String, String> env, JsonNode pod) {
    Map<String, String> secretAt = new HashMap<>();
    for (JsonNode mount : pod.at("/spec/containers/0/volumeMounts")) {
      for (JsonNode volume : pod.at("/spec/volumes")) {
        if (volume.get("name").asText().equals(mount.get("name").asText()) && volume.has("secret")) {
          assertTrue(volume.at("/secret/optional").asBoolean(), volume.toString());
          secretAt.put(mount.get("mountPath").asText() + "/", volume.at("/secret/secretName").asText());
        }
      }
    }
    Map<String, String> out = new HashMap<>(env);
    for (Map.Entry<String, String> e : env.entrySet()) {
      for (Map.Entry<String, String> mounted : secretAt.entrySet()) {
        if (e.getValue().startsWith(mounted.getKey())) {
          String key = e.getValue().substring(mounted.getKey().length());
          assertTrue(SECRET_KEYS.get(mounted.getValue()).contains(key),
              e.getKey() + " names " + key + ", which the Secret " + mounted.getValue() + " does not hold");
          out.put(e.getKey(), secrets.resolve(mounted.getValue()).resolve(key).toString());
        }
      }
    }
    return out;
  }

  /** The container's args after the command word, with $(VAR) expanded as the kubelet does. */
  private static List<String> args(JsonNode container, Map<String, String> env) {
    List<String> args = new ArrayList<>();
    Pattern ref = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");
    for (JsonNode a : container.get("args")) {
      Matcher m = ref.matcher(a.asText());
      StringBuilder sb = new StringBuilder();
      while (m.find()) {
        String value = env.get(m.group(1));
        assertNotNull(value, "args refer to " + m.group(1) + ", which the ConfigMap does not set");
        m.appendReplacement(sb, Matcher.quoteReplacement(value));
      }
      m.appendTail(sb);
      args.add(sb.toString());
    }
    return args.subList(1, args.size());
  }

  private static Flags flags(Command command, List<String> args, Map<String, String> env) throws ParseException {
    Flags f = Flags.parse(command, args, env);
    assertTrue(f.positional().isEmpty(), "stray arguments " + f.positional());
    return f;
  }

  private static int containerPort(JsonNode container, String name) {
    for (JsonNode p : container.get("ports")) {
      if (p.get("name").asText().equals(name)) {
        return p.get("containerPort").asInt();
      }
    }
    throw new AssertionError("no container port named " + name);
  }

  private static int servicePort(JsonNode service, String name) {
    for (JsonNode p : service.at("/spec/ports")) {
      if (p.get("name").asText().equals(name)) {
        assertEquals(name, p.get("targetPort").asText(), "the Service targets the container port by name");
        return p.get("port").asInt();
      }
    }
    throw new AssertionError("no service port named " + name);
  }

  private static JsonNode require(Map<String, JsonNode> objects, String key) {
    JsonNode o = objects.get(key);
    assertNotNull(o, key + " is missing; have " + objects.keySet());
    return o;
  }

  static List<JsonNode> parse(String yaml) throws IOException {
    List<JsonNode> docs = new ArrayList<>();
    try (var it = YAML.readerFor(JsonNode.class).readValues(yaml)) {
      while (it.hasNext()) {
        JsonNode doc = (JsonNode) it.next();
        if (doc != null && !doc.isNull() && !doc.isEmpty()) {
          docs.add(doc);
        }
      }
    }
    return docs;
  }

  static boolean kubectlAvailable() {
    try {
      return new ProcessBuilder("kubectl", "version", "--client").redirectErrorStream(true).start().waitFor() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  static String kustomize(Path dir) throws Exception {
    Process p = new ProcessBuilder("kubectl", "kustomize", dir.toString()).redirectErrorStream(false).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), "kubectl kustomize " + dir + ": " + err);
    return out;
  }
}
