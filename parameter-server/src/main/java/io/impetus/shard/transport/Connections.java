package io.impetus.shard.transport;

import io.grpc.Attributes;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerTransportFilter;
import io.grpc.Status;
import java.net.SocketAddress;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shard's gRPC connections: a record of each ({@link Connection}, in the transport's attributes,
 * which every call on it sees) and the cap on how many are served. grpc-java has no connection limit
 * of its own, so this is a {@link ServerTransportFilter} that admits each new connection while fewer
 * than {@code max} are admitted, and a {@link ServerInterceptor} that refuses calls on a connection not
 * admitted with RESOURCE_EXHAUSTED before any handler sees them (such a connection is admitted later,
 * at a call, once others have closed; an idle one is closed by the server's max-connection-idle).
 * Counts are kept exactly: each admitted connection gives its place back when its transport terminates.
 */
public final class Connections extends ServerTransportFilter implements ServerInterceptor {
  private static final Logger log = LoggerFactory.getLogger(Connections.class);
  /** Where a transport's attributes keep its {@link Connection}. */
  static final Attributes.Key<Connection> KEY = Attributes.Key.create("io.impetus.shard.connection");

  private final int shardIndex;
  private final int max;
  private final AtomicInteger admitted = new AtomicInteger();
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicLong ids = new AtomicLong();
  private final LongAdder refusedCalls = new LongAdder();
  private final AtomicBoolean warnedFull = new AtomicBoolean();

  /** Serves calls on at most {@code max} connections of shard {@code shardIndex} at once. */
  public Connections(int shardIndex, int max) {
    this.shardIndex = shardIndex;
    this.max = max;
  }

  /** One client connection, as the calls on it see it. */
  static final class Connection {
    final long id;
    final SocketAddress remote;
    final AtomicBoolean admitted = new AtomicBoolean();
    /** Whether a message that does not parse was logged for this connection already. */
    final AtomicBoolean warnedMalformed = new AtomicBoolean();

    Connection(long id, SocketAddress remote) {
      this.id = id;
      this.remote = remote;
    }

    @Override
    public String toString() {
      return "connection " + id + (remote == null ? "" : " from " + remote);
    }
  }

  @Override
  public Attributes transportReady(Attributes attributes) {
    Connection c = new Connection(ids.incrementAndGet(), attributes.get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
    open.incrementAndGet();
    tryAdmit(c);
    return attributes.toBuilder().set(KEY, c).build();
  }

  @Override
  public void transportTerminated(Attributes attributes) {
    // gRPC passes null for a transport that ended before it became ready (a failed handshake write).
    Connection c = attributes == null ? null : attributes.get(KEY);
    if (c == null) {
      return; // it never became ready
    }
    open.decrementAndGet();
    if (c.admitted.getAndSet(false)) {
      admitted.decrementAndGet();
    }
  }

  private boolean tryAdmit(Connection c) {
    if (c.admitted.get()) {
      return true;
    }
    while (true) {
      int now = admitted.get();
      if (now >= max) {
        return false;
      }
      if (admitted.compareAndSet(now, now + 1)) {
        c.admitted.set(true);
        return true;
      }
    }
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    Connection c = call.getAttributes().get(KEY);
    if (c == null || tryAdmit(c)) {
      return next.startCall(call, headers);
    }
    refusedCalls.increment();
    if (warnedFull.compareAndSet(false, true)) {
      log.warn("shard {}: {} connections are open, more than the {} served (--max-connections); calls on the others"
          + " are refused with RESOURCE_EXHAUSTED (logged once)", shardIndex, open.get(), max);
    }
    call.close(Status.RESOURCE_EXHAUSTED.withDescription("shard " + shardIndex + " serves at most " + max
        + " connections at once (--max-connections) and this one is beyond them; try again later"), new Metadata());
    return new ServerCall.Listener<>() {};
  }

  /** Connections open now (admitted or not). */
  public int open() {
    return open.get();
  }

  /** Connections whose calls are served now. */
  public int admitted() {
    return admitted.get();
  }

  /** Calls refused so far because their connection was beyond the cap. */
  public long refusedCalls() {
    return refusedCalls.sum();
  }
}
