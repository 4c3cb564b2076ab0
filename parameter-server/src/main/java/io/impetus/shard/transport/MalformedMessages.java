package io.impetus.shard.transport;

import io.grpc.Attributes;
import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers a request message that does not parse with INVALID_ARGUMENT, logged at WARN once per
 * connection. Left to grpc-java, a marshaller that throws while parsing ends the call as UNKNOWN
 * ("Application error processing RPC") and its executor logs the exception's stack trace at SEVERE,
 * once per message, so a flood of garbage floods the log. Here every method's request marshaller is
 * wrapped so that parsing never throws: it yields a {@link Parsed} that holds either the message or
 * why it does not parse, and the wrapped handler closes the call with INVALID_ARGUMENT for the latter
 * (after telling the method's own listener the call is cancelled, so a half-received push gives its
 * worker's slot back) and passes the former on unchanged. Thread-safe.
 */
public final class MalformedMessages {
  private static final Logger log = LoggerFactory.getLogger(MalformedMessages.class);

  private final int shardIndex;
  private final LongAdder refused = new LongAdder();

  /** Guards the services of shard {@code shardIndex}. */
  public MalformedMessages(int shardIndex) {
    this.shardIndex = shardIndex;
  }

  /** A request as parsed: the message, or null and what is wrong with the bytes. */
  record Parsed<Q>(Q message, String problem) {}

  /** {@code service} with each method's requests parsed without throwing. */
  public ServerServiceDefinition guard(ServerServiceDefinition service) {
    ServiceDescriptor old = service.getServiceDescriptor();
    ServiceDescriptor.Builder descriptor = ServiceDescriptor.newBuilder(old.getName())
        .setSchemaDescriptor(old.getSchemaDescriptor());
    List<ServerMethodDefinition<?, ?>> methods = new ArrayList<>();
    for (ServerMethodDefinition<?, ?> m : service.getMethods()) {
      ServerMethodDefinition<?, ?> guarded = guard(m);
      descriptor.addMethod(guarded.getMethodDescriptor());
      methods.add(guarded);
    }
    ServerServiceDefinition.Builder builder = ServerServiceDefinition.builder(descriptor.build());
    methods.forEach(builder::addMethod);
    return builder.build();
  }

  /** Messages refused so far because they did not parse. */
  public long refused() {
    return refused.sum();
  }

  private <Q, R> ServerMethodDefinition<Parsed<Q>, R> guard(ServerMethodDefinition<Q, R> method) {
    MethodDescriptor<Q, R> original = method.getMethodDescriptor();
    MethodDescriptor<Parsed<Q>, R> lenient =
        original.toBuilder(new LenientMarshaller<>(original.getRequestMarshaller()), original.getResponseMarshaller())
            .build();
    ServerCallHandler<Q, R> handler = method.getServerCallHandler();
    return ServerMethodDefinition.create(lenient, (call, headers) -> {
      AtomicBoolean answered = new AtomicBoolean();
      ServerCall.Listener<Q> inner = handler.startCall(unwrapped(call, original, answered), headers);
      return new Listener<>(call, inner, original.getFullMethodName(), answered);
    });
  }

  /** Parses with {@code parse}'s marshaller; a failure becomes a {@link Parsed} with its problem. */
  private static final class LenientMarshaller<Q> implements MethodDescriptor.Marshaller<Parsed<Q>> {
    private final MethodDescriptor.Marshaller<Q> parse;

    LenientMarshaller(MethodDescriptor.Marshaller<Q> parse) {
      this.parse = parse;
    }

    @Override
    public InputStream stream(Parsed<Q> value) {
      return parse.stream(value.message());
    }

    @Override
    public Parsed<Q> parse(InputStream stream) {
      try {
        return new Parsed<>(parse.parse(stream), null);
      } catch (RuntimeException e) {
        Status status = Status.fromThrowable(e);
        String why = status.getDescription() != null ? status.getDescription() : e.toString();
        Throwable cause = status.getCause() != null ? status.getCause() : e.getCause();
        return new Parsed<>(null, cause == null || cause.getMessage() == null ? why : why + ": " + cause.getMessage());
      }
    }
  }

  /** Passes parsed messages to the method's listener; ends the call at the first that is not. */
  private final class Listener<Q, R> extends ServerCall.Listener<Parsed<Q>> {
    private final ServerCall<Parsed<Q>, R> call;
    private final ServerCall.Listener<Q> inner;
    private final String method;
    /** Whether the call was closed, by the method's handler or here: it is closed once, by whoever is first. */
    private final AtomicBoolean answered;
    private boolean closed;

    Listener(ServerCall<Parsed<Q>, R> call, ServerCall.Listener<Q> inner, String method, AtomicBoolean answered) {
      this.call = call;
      this.inner = inner;
      this.method = method;
      this.answered = answered;
    }

    @Override
    public void onMessage(Parsed<Q> parsed) {
      if (closed) {
        return;
      }
      if (parsed.problem() == null) {
        inner.onMessage(parsed.message());
        return;
      }
      closed = true;
      refused.increment();
      warnOncePerConnection(call.getAttributes(), method, parsed.problem());
      // The method's own listener hears of a cancelled call, so it lets go of what it holds.
      inner.onCancel();
      // The handler may have answered already (a refused push header, then garbage): a second close
      // would throw "call already closed" into gRPC's executor, which logs it at SEVERE per message.
      if (answered.compareAndSet(false, true)) {
        call.close(Status.INVALID_ARGUMENT.withDescription(
            "a request message of " + method + " does not parse (" + parsed.problem() + ")"), new Metadata());
      }
    }

    @Override
    public void onHalfClose() {
      if (!closed) {
        inner.onHalfClose();
      }
    }

    @Override
    public void onCancel() {
      if (!closed) {
        inner.onCancel();
      }
    }

    @Override
    public void onComplete() {
      if (!closed) {
        inner.onComplete();
      }
    }

    @Override
    public void onReady() {
      if (!closed) {
        inner.onReady();
      }
    }
  }

  private void warnOncePerConnection(Attributes attributes, String method, String problem) {
    Connections.Connection c = attributes.get(Connections.KEY);
    if (c == null || c.warnedMalformed.compareAndSet(false, true)) {
      log.warn("shard {}: a request message of {} on {} does not parse ({}); answered INVALID_ARGUMENT (logged once"
          + " per connection)", shardIndex, method, c == null ? "an unknown connection" : c, problem);
    }
  }

  /**
   * The call as the method's own handler sees it: with its own descriptor. Only the descriptor names the
   * request type (messages arrive through the listener, already unwrapped), so every other method is
   * the wrapped call's own, but for {@code close}: it marks the call {@code answered}, and is dropped
   * if the call was closed already here (its request did not parse).
   */
  @SuppressWarnings("unchecked")
  private static <Q, R> ServerCall<Q, R> unwrapped(ServerCall<Parsed<Q>, R> call, MethodDescriptor<Q, R> method,
      AtomicBoolean answered) {
    return new ForwardingServerCall.SimpleForwardingServerCall<>((ServerCall<Q, R>) (ServerCall<?, R>) call) {
      @Override
      public MethodDescriptor<Q, R> getMethodDescriptor() {
        return method;
      }

      @Override
      public void close(Status status, Metadata trailers) {
        if (answered.compareAndSet(false, true)) {
          super.close(status, trailers);
        }
      }
    };
  }
}
