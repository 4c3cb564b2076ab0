package io.impetus.client;

/**
 * How a worker moves the floats of its pushes and of the shards' replies. Control (joins, heartbeats,
 * versions, errors) travels as gRPC calls; with shared memory, each push's header and answer take the
 * shard's doorbell socket when it offers one, else a header stream (a long-lived gRPC call).
 */
public enum Transport {
  /**
   * Shared memory with every shard that can map the worker's segment (one on the same host and
   * sharing its {@code --shm-dir}), floats in gRPC messages with the others. The default.
   */
  AUTO("auto"),
  /** Floats in gRPC messages with every shard. */
  GRPC("grpc"),
  /** Shared memory with every shard; joining fails with the reason when a shard cannot attach. */
  SHM("shm");

  private final String cliName;

  Transport(String cliName) {
    this.cliName = cliName;
  }

  /** The name on the command line. */
  public String cliName() {
    return cliName;
  }

  /** The transport named {@code name}; the error names {@code --transport} and the choices. */
  public static Transport parse(String name) {
    return CliNames.parse(values(), Transport::cliName, "--transport", name);
  }
}
