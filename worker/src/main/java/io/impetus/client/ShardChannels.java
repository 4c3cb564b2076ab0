package io.impetus.client;

import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.impetus.wire.WireMethods;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The gRPC channels a client uses to reach the shards (channel i reaches shard i), what they
 * guarantee, and which of them this object owns: {@link #close} shuts those down.
 *
 * <p>Channels {@link #open opened} here serialize each message once, so gradients can be encoded
 * straight from the caller's array (see {@link #serializesOnce}); channels made elsewhere and handed
 * in with {@link #of} may retry, and get their gradients encoded into a buffer first. Both carry
 * float chunks with the {@link WireMethods} chosen here (zero-copy unless the caller asks for the
 * copying baseline). Message size limits stay at gRPC's defaults, since slices travel in chunks well
 * below them.
 */
public final class ShardChannels implements AutoCloseable {
  /**
   * HTTP/2 flow-control window: large enough that a whole gradient slice of a typical model is in
   * flight without waiting for window updates on every push (gRPC's default is 1 MiB).
   */
  public static final int FLOW_CONTROL_WINDOW = 16 * 1024 * 1024;

  private final List<Channel> channels;
  private final List<ManagedChannel> owned;
  private final boolean serializesOnce;
  private final WireMethods wire;

  private ShardChannels(
      List<? extends Channel> channels, List<ManagedChannel> owned, boolean serializesOnce, WireMethods wire) {
    this.channels = List.copyOf(channels);
    this.owned = List.copyOf(owned);
    this.serializesOnce = serializesOnce;
    this.wire = wire;
  }

  /** {@link #open(List, ChannelSecurity, WireMethods)} in plaintext without a token, with zero-copy chunks. */
  public static ShardChannels open(List<String> addresses) {
    return open(addresses, ChannelSecurity.NONE, WireMethods.zeroCopy());
  }

  /** {@link #open(List, ChannelSecurity, WireMethods)} with zero-copy chunks: what workers and the launcher use. */
  public static ShardChannels open(List<String> addresses, ChannelSecurity security) {
    return open(addresses, security, WireMethods.zeroCopy());
  }

  /**
   * One channel per address, in order, owned by the result and carrying chunks the {@code wire} way.
   * Callbacks run on the transport's threads (directExecutor): the client's callbacks only decode into
   * the caller's array and complete a future, so a hand-off to another thread would only add latency.
   *
   * <p>Retries are off: a retrying channel keeps every message of a call until the server answers,
   * to send it again on another attempt, so {@link ShardedClient} could not encode a gradient
   * straight from the caller's array (which may change as soon as {@code pushPull} returns). A call
   * the server refused fails with UNAVAILABLE instead, which the training loop recovers from.
   *
   * <p>{@code security} decides what the shards see: with TLS settings the channels speak TLS
   * (verifying the shard's certificate against the CA and the address dialled, and presenting the
   * client certificate when there is one), else plaintext; with a token, every call on every channel
   * carries it as {@code authorization: Bearer <token>}, the shared-memory path's calls included.
   */
  public static ShardChannels open(List<String> addresses, ChannelSecurity security, WireMethods wire) {
    List<ManagedChannel> opened = new ArrayList<>();
    for (String address : addresses) {
      NettyChannelBuilder builder = security.tls() == null
          ? NettyChannelBuilder.forTarget(address).usePlaintext()
          : NettyChannelBuilder.forTarget(address, security.tls().credentials());
      builder.directExecutor()
          .flowControlWindow(FLOW_CONTROL_WINDOW)
          .disableRetry();
      if (security.token() != null) {
        builder.intercept(security.token().attach());
      }
      opened.add(builder.build());
    }
    return new ShardChannels(opened, opened, true, wire);
  }

  /**
   * Channels made by the caller (e.g. in-process ones in tests), with zero-copy chunks. They may
   * retry, so they are not taken to serialize each message once.
   *
   * @param owned those of {@code channels} that {@link #close} shuts down (may be empty)
   */
  public static ShardChannels of(List<? extends Channel> channels, List<ManagedChannel> owned) {
    return new ShardChannels(channels, owned, false, WireMethods.zeroCopy());
  }

  /** The channels, channel i reaching shard i. */
  public List<Channel> channels() {
    return channels;
  }

  /** The channels {@link #close} shuts down: all of them when opened here. */
  public List<ManagedChannel> owned() {
    return owned;
  }

  /** The number of channels, which is the number of shards. */
  public int size() {
    return channels.size();
  }

  /**
   * Whether every channel serializes each message exactly once, within the call that sends it (or,
   * while it waits for a connection, once afterwards): true for channels {@link #open opened} here.
   */
  public boolean serializesOnce() {
    return serializesOnce;
  }

  /** How float chunks are marshalled on these channels. */
  public WireMethods wire() {
    return wire;
  }

  /** Shuts down the owned channels, waiting up to 5 seconds each before forcing them. */
  @Override
  public void close() {
    for (ManagedChannel c : owned) {
      c.shutdown();
    }
    for (ManagedChannel c : owned) {
      try {
        if (!c.awaitTermination(5, TimeUnit.SECONDS)) {
          c.shutdownNow();
        }
      } catch (InterruptedException e) {
        c.shutdownNow();
        Thread.currentThread().interrupt();
      }
    }
  }
}
