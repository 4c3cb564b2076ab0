package io.impetus.client;

import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * Opens the gRPC channels a worker (or the launcher) uses to reach the shards. Message size limits
 * stay at gRPC's defaults, since slices travel in chunks well below them.
 */
public final class ShardChannels {
  /**
   * HTTP/2 flow-control window: large enough that a whole gradient slice of a typical model is in
   * flight without waiting for window updates on every push (gRPC's default is 1 MiB).
   */
  public static final int FLOW_CONTROL_WINDOW = 16 * 1024 * 1024;

  /** Channels opened here, which never serialize a message twice (see {@link #serializesOnce}). */
  private static final Set<Channel> OPENED = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

  private ShardChannels() {}

  /**
   * One plaintext channel per address, in order. Callbacks run on the transport's threads
   * (directExecutor): the client's callbacks only decode into the caller's array and complete a
   * future, so a hand-off to another thread would only add latency.
   *
   * <p>Retries are off: a retrying channel keeps every message of a call until the server answers,
   * to send it again on another attempt, so {@link ShardedClient} could not encode a gradient
   * straight from the caller's array (which may change as soon as {@code pushPull} returns). A call
   * the server refused fails with UNAVAILABLE instead, which the training loop recovers from.
   */
  public static List<ManagedChannel> open(List<String> addresses) {
    List<ManagedChannel> channels = new ArrayList<>();
    for (String address : addresses) {
      ManagedChannel channel = NettyChannelBuilder.forTarget(address)
          .usePlaintext()
          .directExecutor()
          .flowControlWindow(FLOW_CONTROL_WINDOW)
          .disableRetry()
          .build();
      OPENED.add(channel);
      channels.add(channel);
    }
    return channels;
  }

  /**
   * Whether {@code channel} serializes each message exactly once, within the call that sends it (or,
   * while it waits for a connection, once afterwards): true for channels opened by {@link #open}.
   * Other channels may retry, and so serialize a message again long after it was sent.
   */
  static boolean serializesOnce(Channel channel) {
    return OPENED.contains(channel);
  }
}
