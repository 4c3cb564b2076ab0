package io.impetus.client;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.util.ArrayList;
import java.util.List;

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

  private ShardChannels() {}

  /**
   * One plaintext channel per address, in order. Callbacks run on the transport's threads
   * (directExecutor): the client's callbacks only decode into the caller's array and complete a
   * future, so a hand-off to another thread would only add latency.
   */
  public static List<ManagedChannel> open(List<String> addresses) {
    List<ManagedChannel> channels = new ArrayList<>();
    for (String address : addresses) {
      channels.add(NettyChannelBuilder.forTarget(address)
          .usePlaintext()
          .directExecutor()
          .flowControlWindow(FLOW_CONTROL_WINDOW)
          .build());
    }
    return channels;
  }
}
