package io.impetus.shard.transport;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.impetus.wire.BearerToken;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets through only calls that carry the shard's {@link BearerToken}. A call without it, or with
 * another one, is closed with {@code UNAUTHENTICATED} before any handler sees a message, so it changes
 * nothing; it is counted ({@link #refused}), and logged at most once per {@link #LOG_EVERY_NANOS}, so
 * a flood of such calls cannot flood the log.
 */
public final class TokenCheck implements ServerInterceptor {
  /** The status description of a refused call (it says nothing about the expected token). */
  public static final String REFUSAL = "missing or invalid bearer token";
  /** At most one log line per minute about refused calls. */
  static final long LOG_EVERY_NANOS = 60_000_000_000L;

  private static final Logger log = LoggerFactory.getLogger(TokenCheck.class);

  private final BearerToken token;
  private final LongAdder refused = new LongAdder();
  private final AtomicLong lastLog = new AtomicLong(System.nanoTime() - LOG_EVERY_NANOS);

  /** Checks calls against {@code token}. */
  public TokenCheck(BearerToken token) {
    this.token = token;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    if (token.matches(headers.get(BearerToken.AUTHORIZATION))) {
      return next.startCall(call, headers);
    }
    refused.increment();
    logRarely(call.getMethodDescriptor().getFullMethodName());
    call.close(Status.UNAUTHENTICATED.withDescription(REFUSAL), new Metadata());
    return new ServerCall.Listener<>() {};
  }

  /** Calls refused so far. Safe from any thread. */
  public long refused() {
    return refused.sum();
  }

  private void logRarely(String method) {
    long now = System.nanoTime();
    long last = lastLog.get();
    if (now - last >= LOG_EVERY_NANOS && lastLog.compareAndSet(last, now)) {
      log.warn("refused a call to {} without a valid bearer token ({} refused so far; logged at most once a minute)",
          method, refused.sum());
    }
  }
}
