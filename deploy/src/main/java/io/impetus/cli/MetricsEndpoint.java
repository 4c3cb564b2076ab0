package io.impetus.cli;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.util.function.Consumer;
import org.apache.commons.cli.Options;

/**
 * {@code --metrics-port}: Prometheus text format at {@code http://<pod>:<port>/metrics}, with the
 * JVM's metrics (memory, GC, threads, ...) beside the command's own. Prints {@link #LISTENING}
 * and the port on stdout, so a launcher or a test that asked for port 0 learns which one it got.
 */
public final class MetricsEndpoint implements AutoCloseable {
  /** The stdout line announcing the metrics port. */
  public static final String LISTENING = "IMPETUS_METRICS";
  /** The path Prometheus scrapes. */
  public static final String PATH = "/metrics";
  /** The port the manifests use (any port works; this one is free of well-known services). */
  public static final int DEFAULT_PORT = 9400;

  private final HTTPServer server;

  private MetricsEndpoint(HTTPServer server) {
    this.server = server;
  }

  /**
   * Serves a fresh registry, filled by {@code metrics} and the JVM metrics, on {@code port} (0: any
   * free port) of every interface, or does nothing and returns null when {@code port} is null.
   */
  public static MetricsEndpoint start(Integer port, Consumer<PrometheusRegistry> metrics) throws IOException {
    return start(null, port, metrics);
  }

  /**
   * As {@link #start(Integer, Consumer)}, bound to {@code address} ({@code --metrics-address}; null:
   * every interface). The registry holds counters and gauges only, never parameter values.
   */
  public static MetricsEndpoint start(String address, Integer port, Consumer<PrometheusRegistry> metrics)
      throws IOException {
    if (port == null) {
      return null;
    }
    PrometheusRegistry registry = new PrometheusRegistry();
    JvmMetrics.builder().register(registry);
    metrics.accept(registry);
    HTTPServer.Builder builder = HTTPServer.builder().port(port).registry(registry);
    if (address != null) {
      builder.hostname(address);
    }
    HTTPServer server = builder.buildAndStart();
    System.out.println(LISTENING + " " + server.getPort());
    System.out.flush();
    return new MetricsEndpoint(server);
  }

  /** The variable that stands in for {@code --metrics-address}. */
  public static final EnvVar ADDRESS_ENVIRONMENT = EnvVar.forFlag("IMPETUS_METRICS_ADDRESS", "metrics-address");

  /** Adds {@code --metrics-address}. */
  public static void addAddressTo(Options o) {
    o.addOption(OptimizerFlags.valued("metrics-address", "ADDR",
        "bind the metrics endpoint to this address, e.g. 127.0.0.1 (default: every interface)"));
  }

  /** The port it listens on. */
  public int port() {
    return server.getPort();
  }

  @Override
  public void close() {
    server.close();
  }
}
