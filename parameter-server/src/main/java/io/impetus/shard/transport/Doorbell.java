package io.impetus.shard.transport;

import io.impetus.proto.PushHeader;
import io.impetus.proto.SharedPushReply;
import io.impetus.wire.DoorbellChannel;
import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A shard's doorbell: a Unix-domain socket in its shared-memory folder on which same-host workers
 * push through their attached segments without HTTP/2 (the framing is in impetus.proto, at
 * AttachSegmentReply). Each connection gets a reader thread of its own, which blocks on the socket,
 * reads a push header and hands it, with the connection as its {@link SegmentCarrier}, to the same
 * code as PushPullSharedStream ({@link SegmentPushes#pushHere}), which runs the update on the reader
 * thread when the shard's update loop is idle; answers are written by whichever thread runs the
 * update loop's tasks, one at a time, so a connection is written by one thread at a time.
 *
 * <p>Why a socket of our own: with the floats in shared memory, each push still paid for an HTTP/2
 * message each way, with a transport thread and a wake-up on both sides, which on a small host was a
 * quarter of the shard's CPU. Here a push costs one read and one write per side.
 *
 * <p>A connection reads its next header only once the previous push is answered (a worker never has
 * two pushes to a shard in flight), so at most two answers are ever queued in its socket and the
 * update loop's writes cannot block. A connection that breaks the framing is closed and logged; its
 * worker's next push fails and the worker joins again.
 */
public final class Doorbell implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Doorbell.class);
  private final int shardIndex;
  private final Path path;
  private final ServerSocketChannel listener;
  private final BiConsumer<PushHeader, SegmentCarrier> pushes;
  private final Runnable activity;
  private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
  /** Open connections beyond which new ones are closed at once: each costs a thread. */
  private final int maxConnections;
  private volatile boolean closed;

  private Doorbell(int shardIndex, Path path, ServerSocketChannel listener, BiConsumer<PushHeader, SegmentCarrier> pushes,
      Runnable activity, int maxConnections) {
    this.shardIndex = shardIndex;
    this.maxConnections = maxConnections;
    this.path = path;
    this.listener = listener;
    this.pushes = pushes;
    this.activity = activity;
  }

  /**
   * Listens on a new socket in {@code folder} and starts accepting. {@code pushes} receives each
   * header with the connection that carries its answer (it must send one answer for every push, from
   * the update loop);
   * {@code activity} runs on every push, for the idle timeout. At most {@code maxConnections} are
   * open at once; a connection beyond them is closed and logged.
   */
  public static Doorbell open(Path folder, int shardIndex, BiConsumer<PushHeader, SegmentCarrier> pushes, Runnable activity,
      int maxConnections) throws IOException {
    removeStale(folder);
    Path path = folder.resolve("impetus-shard" + shardIndex + "-" + ProcessHandle.current().pid() + "-"
        + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16) + ".sock");
    // Bound under a name no starting shard probes, then renamed: a socket file that bears a doorbell's
    // name is always listening already. (Binding and listening are two steps; a shard starting beside
    // this one that probed the file between them would be refused and remove a live doorbell.)
    Path binding = path.resolveSibling(path.getFileName() + ".binding");
    ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      listener.bind(UnixDomainSocketAddress.of(binding));
      Files.move(binding, path, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException | RuntimeException e) {
      listener.close();
      Files.deleteIfExists(binding);
      throw e;
    }
    Doorbell doorbell = new Doorbell(shardIndex, path, listener, pushes, activity, maxConnections);
    Thread acceptor = new Thread(doorbell::accept, "shard-" + shardIndex + "-doorbell");
    acceptor.setDaemon(true);
    acceptor.start();
    return doorbell;
  }

  /**
   * Removes doorbell sockets that no shard listens on any more (a shard killed without stopping
   * leaves its file behind): a socket file whose connect is refused is garbage, whoever made it.
   */
  private static void removeStale(Path folder) {
    try (DirectoryStream<Path> sockets = Files.newDirectoryStream(folder, "impetus-shard*.sock")) {
      for (Path socket : sockets) {
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
          probe.connect(UnixDomainSocketAddress.of(socket));
        } catch (ConnectException refused) {
          Files.deleteIfExists(socket);
          log.info("removed stale doorbell socket {} (no shard listens on it)", socket);
        } catch (IOException | RuntimeException other) {
          // not ours to judge: leave it
        }
      }
    } catch (IOException | RuntimeException e) {
      // an unreadable folder: binding will tell
    }
  }

  /** The socket's path, which AttachSegment replies offer to workers. */
  public Path path() {
    return path;
  }

  private void accept() {
    while (!closed) {
      SocketChannel socket;
      try {
        socket = listener.accept();
      } catch (AsynchronousCloseException stopped) {
        return;
      } catch (IOException e) {
        if (!closed) {
          log.warn("shard {}: doorbell stopped accepting: {}", shardIndex, e.toString());
        }
        return;
      }
      Connection connection = new Connection(new DoorbellChannel(socket));
      if (connections.size() >= maxConnections) {
        log.warn("shard {}: refusing a doorbell connection: {} are open already", shardIndex, connections.size());
        connection.close();
        continue;
      }
      connections.add(connection);
      if (closed) {
        connection.close();
        return;
      }
      Thread reader = new Thread(connection::run, "shard-" + shardIndex + "-doorbell-reader");
      reader.setDaemon(true);
      reader.start();
    }
  }

  /** Stops listening, closes every connection and removes the socket file. Idempotent. */
  @Override
  public void close() {
    closed = true;
    try {
      listener.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    for (Connection c : connections) {
      c.close();
    }
    connections.clear();
    try {
      Files.deleteIfExists(path);
    } catch (IOException ignored) {
      // the folder went away: nothing is left to remove
    }
  }

  /** One worker's connection: its reader thread and where its answers go. */
  private final class Connection implements SegmentCarrier {
    private final DoorbellChannel channel;
    /** Pushes read and not yet answered: 0 or 1 (guarded by this). */
    private int unanswered;
    private volatile boolean open = true;

    Connection(DoorbellChannel channel) {
      this.channel = channel;
    }

    void run() {
      try {
        while (open) {
          PushHeader header = channel.read(PushHeader.parser());
          if (header == null) {
            break;
          }
          awaitAnswered();
          if (!open) {
            break;
          }
          activity.run();
          pushes.accept(header, this);
        }
      } catch (IOException e) {
        if (open && !closed) {
          log.warn("shard {}: closing a doorbell connection: {}", shardIndex, e.getMessage());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        close();
      }
    }

    /** Waits until the previous push is answered (only a misbehaving client ever makes this wait). */
    private synchronized void awaitAnswered() throws InterruptedException {
      while (unanswered > 0 && open) {
        wait();
      }
      unanswered++;
    }

    private synchronized void answered() {
      unanswered--;
      notifyAll();
    }

    @Override
    public boolean isClosed() {
      return !open;
    }

    /**
     * Sends an answer (on the update loop). The gate opens first: once the worker has read this answer,
     * its next header must not find the previous push still counted.
     */
    @Override
    public void send(SharedPushReply reply) {
      answered();
      if (!open) {
        return;
      }
      try {
        channel.write(reply);
      } catch (IOException e) {
        // the worker went away: the update stands, nobody is left to tell
        close();
      }
    }

    void close() {
      open = false;
      channel.close();
      connections.remove(this);
      synchronized (this) {
        notifyAll();
      }
    }
  }
}
