package io.impetus.shard.fuzz;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.impetus.shard.RawBytes;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * One call to a shard whose messages are raw bytes, sent under a real method name of the Shard
 * service with a pass-through marshaller: the shard's own parsers (the chunk marshallers included)
 * see exactly the bytes the fuzzer made. The call has a deadline, so a shard that never answers ends
 * it with DEADLINE_EXCEEDED instead of hanging the test.
 */
final class RawCall {
  /** What a call ended with: its status and the raw messages the shard sent before. */
  record Outcome(Status status, List<byte[]> replies) {
    @Override
    public String toString() {
      return status.getCode() + (status.getDescription() == null ? "" : " (" + status.getDescription() + ")")
          + ", " + replies.size() + " replies";
    }
  }

  private final ClientCall<byte[], byte[]> call;
  private final CompletableFuture<Outcome> outcome = new CompletableFuture<>();

  private RawCall(ClientCall<byte[], byte[]> call) {
    this.call = call;
  }

  /**
   * Starts {@code method} (the full name, e.g. {@code impetus.v1.Shard/PushPull}, of the given type)
   * on {@code channel} with {@code headers}, sends {@code messages} and half-closes if {@code
   * halfClose}; the shard's answer completes {@link #outcome}. A call left open is ended by {@link
   * #cancel} (or its deadline).
   */
  static RawCall start(Channel channel, String method, MethodDescriptor.MethodType type, Metadata headers,
      List<byte[]> messages, boolean halfClose, long deadlineMillis) {
    MethodDescriptor<byte[], byte[]> descriptor = RawBytes.as(method, type);
    RawCall raw = new RawCall(channel.newCall(descriptor,
        CallOptions.DEFAULT.withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS)));
    List<byte[]> replies = new CopyOnWriteArrayList<>();
    raw.call.start(new ClientCall.Listener<>() {
      @Override
      public void onMessage(byte[] message) {
        replies.add(message);
      }

      @Override
      public void onClose(Status status, Metadata trailers) {
        raw.outcome.complete(new Outcome(status, List.copyOf(replies)));
      }
    }, headers);
    raw.call.request(Integer.MAX_VALUE);
    for (byte[] m : messages) {
      raw.call.sendMessage(m);
    }
    if (halfClose) {
      raw.call.halfClose();
    }
    return raw;
  }

  /** Completes once the shard (or the deadline, or {@link #cancel}) ends the call. */
  CompletableFuture<Outcome> outcome() {
    return outcome;
  }

  /** Ends the call from the client's side, as a worker that goes away does. */
  void cancel() {
    call.cancel("the fuzzer ends a call it left open", null);
  }
}
