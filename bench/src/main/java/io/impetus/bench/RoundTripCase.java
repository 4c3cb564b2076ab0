package io.impetus.bench;

import io.grpc.ForwardingServerBuilder;
import io.grpc.ServerBuilder;
import io.grpc.ServerServiceDefinition;
import io.impetus.client.ChannelSecurity;
import io.impetus.client.ShardChannels;
import io.impetus.client.ShardedClient;
import io.impetus.client.Transport;
import io.impetus.client.WirePrecision;
import io.impetus.model.ParameterLayout;
import io.impetus.optim.OptimizerConfig;
import io.impetus.proto.ShardGrpc;
import io.impetus.shard.ConsistencyMode;
import io.impetus.shard.ServerConfig;
import io.impetus.shard.ShardServer;
import io.impetus.wire.SharedSegment;
import io.impetus.wire.WireMethods;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The push-pull round trip of a P-float slice (P floats up, P floats back) to a real Netty shard in
 * this JVM on loopback (ShardServer + ShardedClient, port 0, one worker, one shard, async SGD), vs a
 * raw TCP loopback exchange of the same number of bytes (blocking NIO: the client writes 4P bytes,
 * an echo thread reads them all and writes 4P bytes back, the client reads them).
 *
 * <p>The shard applies a real SGD step, so the subject includes one optimizer pass over P floats
 * (see {@link OptimizerCase} for its cost alone); the gradient is tiny, so parameters stay finite.
 *
 * <p>Two other comparisons run the same push-pull against the one with floats in gRPC messages:
 * with copying chunks on both sides ({@link Mode#ALIASING}: a second shard and worker using {@link
 * WireMethods#copying()}), and through shared memory ({@link Mode#SHARED_MEMORY}: a second worker of
 * the same shard whose floats go through a segment in /dev/shm, its headers on the shard's doorbell).
 * {@link Mode#DOORBELL} compares two shared-memory pushes: headers on the doorbell socket vs on a
 * header stream (a second shard, started without a doorbell). {@link Mode#BF16} compares two pushes
 * with floats in gRPC messages to the same shard: bfloat16 each way (a second worker, {@code
 * --wire-precision bf16}) vs float32.
 */
public final class RoundTripCase implements BenchCase {
  private final int p;
  private final ShardServer server;
  private final ShardedClient client;
  private final float[] params;
  private final float[] gradient;
  private long step;
  private final Echo echo;
  private final SocketChannel echoClient;
  private final ByteBuffer out;
  private final ByteBuffer in;
  private final Mode mode;
  /**
   * The subject's own worker of the same shard, else null: in shared-memory and doorbell modes one
   * whose floats go through a segment, in bf16 mode one whose floats travel as bfloat16.
   */
  private final ShardedClient subjectWorker;
  /**
   * The baseline's own shard and worker, else null. Doorbell mode: a shard without a doorbell and a
   * shared-memory worker of it. Aliasing mode: a shard and a worker that both copy chunks.
   */
  private final ShardServer otherServer;
  private final ShardedClient otherClient;

  /** What the push-pull with floats in gRPC messages is compared with. */
  public enum Mode {
    /** Subject: the push-pull with floats in gRPC messages; baseline: raw TCP loopback of the same bytes. */
    RAW_TCP,
    /**
     * Subject: the push-pull with floats in gRPC messages; baseline: the same with copying chunks on
     * the worker and the shard ({@link WireMethods#copying()}: floats encoded into a new byte array and
     * messages copied out of the transport buffers, as gRPC's protobuf marshaller does).
     */
    ALIASING,
    /** Subject: the push-pull through shared memory; baseline: the push-pull with floats in gRPC messages. */
    SHARED_MEMORY,
    /**
     * Subject: the push-pull through shared memory with its header on the shard's doorbell; baseline:
     * the same with the header on a header stream (PushPullSharedStream).
     */
    DOORBELL,
    /**
     * Subject: the push-pull with floats in gRPC messages as bfloat16 each way (half the bytes, rounded
     * on the way); baseline: the same push-pull in float32.
     */
    BF16
  }

  public RoundTripCase(int p) throws Exception {
    this(p, Mode.RAW_TCP);
  }

  public RoundTripCase(int p, Mode mode) throws Exception {
    this.p = p;
    this.mode = mode;
    ServerConfig config = new ServerConfig("127.0.0.1", 0, 0, 1, 2, ConsistencyMode.ASYNC, OptimizerConfig.sgd(1e-6, 0.9));
    server = new ShardServer(ShardServer.netty(config), config).start();
    ParameterLayout layout = new ParameterLayout(List.of(new ParameterLayout.TensorSpec("w", p)));
    client = new ShardedClient(ShardChannels.open(List.of(address(server))), 0, layout, "bench");
    if (mode == Mode.SHARED_MEMORY || mode == Mode.DOORBELL) {
      subjectWorker = new ShardedClient(ShardChannels.open(List.of(address(server))), 1, layout, "bench",
          Transport.SHM, SharedSegment.DEFAULT_DIR);
    } else if (mode == Mode.BF16) {
      subjectWorker = new ShardedClient(ShardChannels.open(List.of(address(server))), 1, layout, "bench",
          Transport.GRPC, SharedSegment.DEFAULT_DIR, WirePrecision.BF16);
    } else {
      subjectWorker = null;
    }
    if (mode == Mode.DOORBELL) {
      ServerConfig noBell = config.withDoorbell(false);
      otherServer = new ShardServer(ShardServer.netty(noBell), noBell).start();
      otherClient = new ShardedClient(ShardChannels.open(List.of(address(otherServer))), 0, layout, "bench",
          Transport.SHM, SharedSegment.DEFAULT_DIR);
    } else if (mode == Mode.ALIASING) {
      otherServer = new ShardServer(new Remarshalling(ShardServer.netty(config), WireMethods.copying()), config).start();
      otherClient = new ShardedClient(ShardChannels.open(List.of(address(otherServer)), ChannelSecurity.NONE, WireMethods.copying()), 0,
          layout, "bench");
    } else {
      otherServer = null;
      otherClient = null;
    }
    params = new float[p];
    gradient = new float[p];
    SplittableRandom random = new SplittableRandom(3);
    for (int i = 0; i < p; i++) {
      params[i] = (float) random.nextGaussian() * 0.1f;
      gradient[i] = (float) random.nextGaussian() * 1e-3f;
    }
    client.join(params, 30).get(30, TimeUnit.SECONDS);
    if (subjectWorker != null) {
      subjectWorker.join(params, 30).get(30, TimeUnit.SECONDS);
    }
    if (otherClient != null) {
      otherClient.join(params, 30).get(30, TimeUnit.SECONDS);
    }
    if (mode == Mode.DOORBELL) {
      if (!subjectWorker.doorbells()[0] || otherClient.doorbells()[0]) {
        throw new IllegalStateException("the doorbell comparison needs a doorbell on one shard only (is "
            + SharedSegment.DEFAULT_DIR + " writable?)");
      }
    }

    echo = new Echo(p * 4);
    echoClient = SocketChannel.open(new InetSocketAddress("127.0.0.1", echo.port()));
    echoClient.setOption(StandardSocketOptions.TCP_NODELAY, true);
    out = ByteBuffer.allocateDirect(p * 4);
    in = ByteBuffer.allocateDirect(p * 4);
  }

  @Override
  public String name() {
    return switch (mode) {
      case RAW_TCP -> "gRPC push-pull P=" + p;
      case ALIASING -> "push-pull aliasing P=" + p;
      case SHARED_MEMORY -> "push-pull shared memory P=" + p;
      case DOORBELL -> "shm push-pull, doorbell P=" + p;
      case BF16 -> "gRPC push-pull bf16 P=" + p;
    };
  }

  @Override
  public String baselineName() {
    return switch (mode) {
      case RAW_TCP -> "raw TCP echo of 4P bytes";
      case ALIASING -> "push-pull copying";
      case SHARED_MEMORY -> "gRPC push-pull (floats in gRPC messages)";
      case DOORBELL -> "shm push-pull, headers on a header stream";
      case BF16 -> "gRPC push-pull fp32";
    };
  }

  @Override
  public void subject() throws Exception {
    ShardedClient worker = subjectWorker != null ? subjectWorker : client;
    worker.pushPull(gradient, 0.5f, 64, step++, params).get(30, TimeUnit.SECONDS);
  }

  @Override
  public void baseline() throws Exception {
    if (mode != Mode.RAW_TCP) {
      (otherClient != null ? otherClient : client).pushPull(gradient, 0.5f, 64, step++, params).get(30, TimeUnit.SECONDS);
      return;
    }
    out.clear();
    while (out.hasRemaining()) {
      echoClient.write(out);
    }
    in.clear();
    while (in.hasRemaining()) {
      if (echoClient.read(in) < 0) {
        throw new IOException("echo closed");
      }
    }
  }

  @Override
  public long sink() {
    return Float.floatToRawIntBits(params[p / 2]) + in.get(0);
  }

  @Override
  public void close() throws Exception {
    client.leave().get(10, TimeUnit.SECONDS);
    client.close();
    if (subjectWorker != null) {
      subjectWorker.leave().get(10, TimeUnit.SECONDS);
      subjectWorker.close();
    }
    if (otherClient != null) {
      otherClient.leave().get(10, TimeUnit.SECONDS);
      otherClient.close();
      otherServer.stop();
    }
    server.stop();
    echoClient.close();
    echo.close();
  }

  private static String address(ShardServer shard) {
    return "127.0.0.1:" + shard.port();
  }

  /**
   * A server builder whose shard service marshals chunks the {@code wire} way, whichever way {@link
   * ShardServer} bound it: how the aliasing baseline gets a copying shard without a switch in the
   * shard's code.
   */
  private static final class Remarshalling extends ForwardingServerBuilder<Remarshalling> {
    private final ServerBuilder<?> delegate;
    private final WireMethods wire;

    Remarshalling(ServerBuilder<?> delegate, WireMethods wire) {
      this.delegate = delegate;
      this.wire = wire;
    }

    @Override
    protected ServerBuilder<?> delegate() {
      return delegate;
    }

    @Override
    public Remarshalling addService(ServerServiceDefinition service) {
      boolean shard = service.getServiceDescriptor().getName().equals(ShardGrpc.SERVICE_NAME);
      return super.addService(shard ? wire.remarshalled(service) : service);
    }
  }

  /** Reads a whole message of {@code size} bytes, then writes {@code size} bytes back; one connection. */
  private static final class Echo implements AutoCloseable {
    private final ServerSocketChannel listener;
    private final Thread thread;

    Echo(int size) throws IOException {
      listener = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
      thread = new Thread(() -> serve(size), "bench-tcp-echo");
      thread.setDaemon(true);
      thread.start();
    }

    int port() throws IOException {
      return ((InetSocketAddress) listener.getLocalAddress()).getPort();
    }

    private void serve(int size) {
      ByteBuffer buffer = ByteBuffer.allocateDirect(size);
      try (SocketChannel s = listener.accept()) {
        s.setOption(StandardSocketOptions.TCP_NODELAY, true);
        while (true) {
          buffer.clear();
          while (buffer.hasRemaining()) {
            if (s.read(buffer) < 0) {
              return;
            }
          }
          buffer.flip();
          while (buffer.hasRemaining()) {
            s.write(buffer);
          }
        }
      } catch (IOException closed) {
        // the benchmark is over
      }
    }

    @Override
    public void close() throws Exception {
      listener.close();
      thread.join(5000);
    }
  }
}
