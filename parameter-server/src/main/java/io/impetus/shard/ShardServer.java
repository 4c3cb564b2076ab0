package io.impetus.shard;

import io.grpc.Server;
import io.grpc.ServerBuilder;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lifecycle of one parameter-server shard process: start, serve, stop. The service logic lives
 * in {@link ShardService}; this class only wires it to a gRPC server built from the given builder
 * (a Netty builder in production, an in-process one in tests).
 */
public final class ShardServer {
  private static final Logger log = LoggerFactory.getLogger(ShardServer.class);

  private final ServerConfig config;
  private final UpdateLoop loop;
  private final Server server;

  /** Prepares a shard for {@code config}; nothing listens until {@link #start}. */
  public ShardServer(ServerBuilder<?> builder, ServerConfig config) {
    this.config = config;
    this.loop = new UpdateLoop(config.shardIndex());
    this.server = builder.addService(new ShardService(new Shard(config), loop)).build();
  }

  /** Starts serving. */
  public ShardServer start() throws IOException {
    server.start();
    log.info(
        "shard {} of {} serving on port {}: mode {}, {} workers, optimizer {}",
        config.shardIndex(), config.numShards(), server.getPort(), config.mode().cliName(), config.workers(),
        config.optimizer().describe());
    return this;
  }

  /** The port the server listens on (useful when the config asked for port 0). */
  public int port() {
    return server.getPort();
  }

  /** Stops accepting calls, lets in-flight calls finish for up to 5 s, then stops the update loop. */
  public void stop() {
    server.shutdown();
    try {
      if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
        server.shutdownNow();
        server.awaitTermination(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    }
    loop.close();
  }

  /** Blocks until the server has terminated. */
  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }
}
