package io.impetus.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * The shards' addresses a worker derives in a cluster instead of a hand-written list: from the name of
 * the headless Service that publishes them (and that their Indexed Job shares, so shard {@code i} is
 * the pod {@code NAME-i} with the DNS name {@code NAME-i.NAME}), or from a host pattern with {@code
 * {i}} for other layouts (a JobSet's pods are {@code JOBSET-JOB-0-i.SUBDOMAIN}), with the number of
 * shards and their port. Changing the number of shards is then one edit, not three.
 */
final class ShardAddresses {
  private ShardAddresses() {}

  /** The placeholder a pattern puts where the shard index goes. */
  static final String INDEX = "{i}";

  /**
   * {@code host:port} of shards 0 .. {@code shards}−1, in shard order.
   *
   * @param serviceOrPattern a Service name ({@code impetus-ps}) or a host pattern ({@code impetus-ps-0-{i}.impetus})
   * @throws UsageException naming the flag when the name is not a DNS label or the pattern is malformed
   */
  static List<String> of(String serviceOrPattern, int shards, int port) {
    String s = serviceOrPattern.trim();
    String pattern;
    if (s.contains(INDEX)) {
      if (!s.replace(INDEX, "0").matches("[a-z0-9]([-a-z0-9.]*[a-z0-9])?")) {
        throw new UsageException("--shard-service: '" + s + "' is not a host name pattern (lower-case letters, digits,"
            + " '-' and '.', with " + INDEX + " for the shard index)");
      }
      pattern = s;
    } else {
      if (!s.matches("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")) {
        throw new UsageException("--shard-service: '" + s + "' is not a Service name (a DNS label: lower-case letters,"
            + " digits and '-'), nor a host pattern with " + INDEX);
      }
      pattern = s + "-" + INDEX + "." + s;
    }
    if (shards < 1) {
      throw new UsageException("--num-shards must be at least 1 with --shard-service, got " + shards);
    }
    if (port < 1 || port > 65535) {
      throw new UsageException("--shard-port must be in [1, 65535], got " + port);
    }
    List<String> out = new ArrayList<>(shards);
    for (int i = 0; i < shards; i++) {
      out.add(pattern.replace(INDEX, Integer.toString(i)) + ":" + port);
    }
    return out;
  }
}
