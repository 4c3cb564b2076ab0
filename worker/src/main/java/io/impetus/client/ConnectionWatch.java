package io.impetus.client;

import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.impetus.proto.ShardGrpc;
import io.impetus.proto.StatusReply;
import io.impetus.proto.StatusRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a worker's wait for its shards visible and bounded. A worker's calls wait for ready (see
 * {@link ShardedClient}), so a shard whose DNS name does not resolve yet or that refuses
 * connections simply delays the join, with gRPC retrying name resolution and connection with
 * exponential backoff. This watch, every {@code periodMillis} until every channel is READY:
 *
 * <ul>
 *   <li>logs which shards are not reachable yet, their channel state, and why (the error of a
 *       fail-fast Status probe, e.g. "Unable to resolve host" or "Connection refused");
 *   <li>resets the channel's connect backoff, so gRPC's exponential backoff (which grows to two
 *       minutes) is capped at the period: a shard that comes up is found within one period.
 * </ul>
 *
 * It stops by itself once every shard is reachable; {@link #close} stops it earlier.
 */
public final class ConnectionWatch implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ConnectionWatch.class);

  private final List<ManagedChannel> channels;
  private final List<String> addresses;
  private final long periodMillis;
  private final AtomicReferenceArray<String> lastError;
  private final ScheduledExecutorService timer;
  private boolean waited;

  private ConnectionWatch(List<ManagedChannel> channels, List<String> addresses, long periodMillis) {
    this.channels = List.copyOf(channels);
    this.addresses = List.copyOf(addresses);
    this.periodMillis = periodMillis;
    this.lastError = new AtomicReferenceArray<>(channels.size());
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "connection-watch");
      t.setDaemon(true);
      return t;
    });
  }

  /** Starts watching {@code channels} (channel i reaches {@code addresses.get(i)}). */
  public static ConnectionWatch start(List<ManagedChannel> channels, List<String> addresses, long periodMillis) {
    ConnectionWatch watch = new ConnectionWatch(channels, addresses, periodMillis);
    for (ManagedChannel c : watch.channels) {
      c.getState(true); // start connecting now, not at the first call
    }
    watch.timer.scheduleWithFixedDelay(watch::check, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
    return watch;
  }

  private void check() {
    List<String> waiting = new ArrayList<>();
    for (int s = 0; s < channels.size(); s++) {
      ManagedChannel channel = channels.get(s);
      ConnectivityState state = channel.getState(true);
      if (state == ConnectivityState.READY) {
        continue;
      }
      if (state == ConnectivityState.TRANSIENT_FAILURE) {
        channel.resetConnectBackoff();
      }
      probe(s);
      String why = lastError.get(s);
      waiting.add("shard " + s + " (" + addresses.get(s) + ") " + state + (why == null ? "" : ": " + why));
    }
    if (waiting.isEmpty()) {
      if (waited) {
        log.info("all {} shards reachable", channels.size());
      }
      timer.shutdown();
      return;
    }
    waited = true;
    log.info("waiting for {} of {} shards: {}", waiting.size(), channels.size(), String.join("; ", waiting));
  }

  /** A fail-fast call tells why a shard cannot be reached; its answer shows in the next log line. */
  private void probe(int shard) {
    ShardGrpc.newStub(channels.get(shard))
        .withDeadlineAfter(Math.max(100, periodMillis / 2), TimeUnit.MILLISECONDS)
        .status(StatusRequest.getDefaultInstance(), new StreamObserver<StatusReply>() {
          @Override
          public void onNext(StatusReply value) {
            lastError.set(shard, null);
          }

          @Override
          public void onError(Throwable t) {
            Status status = Status.fromThrowable(t);
            String cause = t.getCause() == null ? "" : " (" + t.getCause().getMessage() + ")";
            lastError.set(shard, status.getCode() + (status.getDescription() == null ? "" : " " + status.getDescription()) + cause);
          }

          @Override
          public void onCompleted() {}
        });
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
