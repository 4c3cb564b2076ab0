package io.impetus.local.hosts;

/**
 * One simulated host: a network namespace holding one shard or worker process, its address on the
 * run's bridge, and the root end of its veth pair (the namespace end is {@code eth0}).
 *
 * @param namespace the network namespace, {@code impetus-<run>-s<i>} or {@code impetus-<run>-w<i>}
 * @param role {@code shard} or {@code worker}
 * @param index the shard index or the worker rank
 * @param address the host's IPv4 address (in the run's /24 of 198.18.0.0/15)
 * @param rootLink the veth end enslaved to the bridge in the root namespace, {@code imp-<run>-s<i>}
 */
public record SimulatedHost(String namespace, String role, int index, String address, String rootLink) {
  /** The interface of the namespace end of the host's veth pair. */
  public static final String LINK = "eth0";
}
