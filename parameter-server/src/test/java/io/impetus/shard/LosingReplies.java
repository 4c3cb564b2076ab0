package io.impetus.shard;

import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.impetus.proto.ShardGrpc;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;

/**
 * A server interceptor that loses the replies of chosen PushPull calls, as a broken connection
 * would: the shard handles the push completely, but what it answers never reaches the client, which
 * sees UNAVAILABLE instead. Calls are numbered from 0 in the order they arrive.
 */
final class LosingReplies implements ServerInterceptor {
  private final AtomicInteger calls = new AtomicInteger();
  private final AtomicInteger lost = new AtomicInteger();
  private final IntPredicate loses;

  /** Loses the reply of PushPull call {@code k} whenever {@code loses.test(k)}. */
  LosingReplies(IntPredicate loses) {
    this.loses = loses;
  }

  /** Replies lost so far. */
  int lost() {
    return lost.get();
  }

  @Override
  public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
      ServerCallHandler<Q, A> next) {
    if (!call.getMethodDescriptor().getFullMethodName().equals(ShardGrpc.getPushPullMethod().getFullMethodName())
        || !loses.test(calls.getAndIncrement())) {
      return next.startCall(call, headers);
    }
    lost.incrementAndGet();
    return next.startCall(new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
      @Override
      public void sendMessage(A message) {
        // lost on the way
      }

      @Override
      public void close(Status status, Metadata trailers) {
        super.close(Status.UNAVAILABLE.withDescription("the reply was lost"), new Metadata());
      }
    }, headers);
  }
}
