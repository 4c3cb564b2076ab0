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
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
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
 * two pushes to a shard in flight). Answers are written without waiting ({@link
 * DoorbellChannel#nonBlockingWrites}): the socket's send buffer is the connection's bounded buffer of
 * unread answers, and a peer that lets it fill (it pushes and never reads) is dropped, so the update
 * loop that writes answers never blocks on a peer. A connection that breaks the framing is closed and
 * logged; its worker's next push fails and the worker joins again.
 *
 * <p>Who may ring: the socket lives in a folder of its own, created with mode 0700 inside the
 * shared-memory folder, so only the shard's user can reach it; and each connection's peer credentials
 * (SO_PEERCRED) are checked on accept, so a process of another user (root aside, or one given the
 * socket's descriptor) is refused too.
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
  /** The shard's user: the only one whose processes may connect. */
  private final UserPrincipal owner;
  private final LongAdder refusedPeers = new LongAdder();
  private final LongAdder droppedPeers = new LongAdder();
  private volatile boolean closed;

  /** The socket's name inside the doorbell's private folder. */
  static final String SOCKET_NAME = "doorbell.sock";
  private static final FileAttribute<Set<PosixFilePermission>> PRIVATE_FOLDER =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));

  private Doorbell(int shardIndex, Path path, ServerSocketChannel listener, BiConsumer<PushHeader, SegmentCarrier> pushes,
      Runnable activity, int maxConnections, UserPrincipal owner) {
    this.shardIndex = shardIndex;
    this.owner = owner;
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
    // A folder only this user may enter (created so, never chmod-ed after), holding the socket.
    Path own = Files.createDirectory(folder.resolve("impetus-shard" + shardIndex + "-" + ProcessHandle.current().pid()
        + "-" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16)), PRIVATE_FOLDER);
    Path path = own.resolve(SOCKET_NAME);
    // Bound under a name no starting shard probes, then renamed: a socket file that bears a doorbell's
    // name is always listening already. (Binding and listening are two steps; a shard starting beside
    // this one that probed the file between them would be refused and remove a live doorbell.)
    Path binding = path.resolveSibling(SOCKET_NAME + ".binding");
    ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    UserPrincipal owner;
    try {
      owner = Files.getOwner(own);
      listener.bind(UnixDomainSocketAddress.of(binding));
      Files.move(binding, path, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException | RuntimeException e) {
      listener.close();
      Files.deleteIfExists(binding);
      Files.deleteIfExists(own);
      throw e;
    }
    Doorbell doorbell = new Doorbell(shardIndex, path, listener, pushes, activity, maxConnections, owner);
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
    try (DirectoryStream<Path> folders = Files.newDirectoryStream(folder, "impetus-shard*")) {
      for (Path own : folders) {
        Path socket = own.resolve(SOCKET_NAME);
        if (!Files.isDirectory(own, LinkOption.NOFOLLOW_LINKS) || !Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
          continue; // not a doorbell's folder, or one whose shard is still binding
        }
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
          probe.connect(UnixDomainSocketAddress.of(socket));
        } catch (ConnectException refused) {
          Files.deleteIfExists(socket);
          Files.deleteIfExists(own);
          log.info("removed stale doorbell socket {} (no shard listens on it)", socket);
        } catch (IOException | RuntimeException other) {
          // another user's folder, or not ours to judge: leave it
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
      if (!fromOwner(socket)) {
        continue;
      }
      Connection connection;
      try {
        connection = new Connection(DoorbellChannel.nonBlockingWrites(socket));
      } catch (IOException e) {
        log.warn("shard {}: cannot set up a doorbell connection: {}", shardIndex, e.toString());
        continue;
      }
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

  /**
   * Whether {@code socket}'s peer runs as the shard's user (SO_PEERCRED); closes it and says so if not.
   * Logged for the first refusal and then at powers of two, so a stream of them cannot flood the log.
   */
  private boolean fromOwner(SocketChannel socket) {
    String peer;
    try {
      UnixDomainPrincipal credentials = socket.getOption(ExtendedSocketOptions.SO_PEERCRED);
      if (credentials.user().equals(owner) || credentials.user().getName().equals(owner.getName())) {
        return true;
      }
      peer = "user " + credentials.user().getName();
    } catch (IOException | RuntimeException e) {
      peer = "a peer whose credentials cannot be read (" + e + ")";
    }
    refusedPeers.increment();
    long n = refusedPeers.sum();
    if (Long.bitCount(n) == 1) {
      log.warn("shard {}: refused a doorbell connection from {}: only {} may connect ({} refused so far)", shardIndex,
          peer, owner.getName(), n);
    }
    try {
      socket.close();
    } catch (IOException ignored) {
      // refused either way
    }
    return false;
  }

  /** Connections refused so far because their peer ran as another user. */
  public long refusedPeers() {
    return refusedPeers.sum();
  }

  /** Connections dropped so far because their peer did not read its answers. */
  public long droppedPeers() {
    return droppedPeers.sum();
  }

  /** Stops listening, closes every connection and removes the socket file and its folder. Idempotent. */
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
      Files.deleteIfExists(path.getParent());
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
     * Sends an answer (on the update loop) without waiting. The gate opens first: once the worker has
     * read this answer, its next header must not find the previous push still counted. A peer whose
     * unread answers fill the socket's send buffer is dropped.
     */
    @Override
    public void send(SharedPushReply reply) {
      answered();
      if (!open) {
        return;
      }
      try {
        channel.write(reply);
      } catch (DoorbellChannel.PeerNotReadingException e) {
        droppedPeers.increment();
        long n = droppedPeers.sum();
        if (Long.bitCount(n) == 1) {
          log.warn("shard {}: dropped a doorbell connection: {} ({} dropped so far)", shardIndex, e.getMessage(), n);
        }
        close();
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
