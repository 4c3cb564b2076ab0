package io.impetus.wire;

import io.grpc.BindableService;
import io.grpc.ForwardingServerCallListener;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.stub.StreamObserver;
import io.impetus.proto.InitializeChunk;
import io.impetus.proto.InitializeReply;
import io.impetus.proto.PushChunk;
import io.impetus.proto.ShardGrpc;
import io.impetus.proto.SliceChunk;
import java.util.HashMap;
import java.util.Map;

/**
 * The Shard methods that carry float slices, with {@link AliasingMarshaller}s for their chunk
 * messages (PushChunk, InitializeChunk on the shard; SliceChunk on the worker), so a received chunk
 * is decoded straight from the transport's buffers into the receiver's float array. Same method
 * names and wire format as {@link ShardGrpc}'s descriptors: only the in-memory parsing differs.
 *
 * <p>Every aliased message is released right after the receiving {@code onNext} returns: on the
 * shard by {@link #bind}, on the worker by {@link #releasing}. Receivers must therefore consume a
 * chunk's bytes inside {@code onNext} (they decode it into a float array there) and keep no
 * reference to them.
 */
public final class WireMethods {
  private WireMethods() {}

  /** PushPull: aliased PushChunk requests (shard side), aliased SliceChunk replies (worker side). */
  public static final MethodDescriptor<PushChunk, SliceChunk> PUSH_PULL = ShardGrpc.getPushPullMethod()
      .toBuilder(new AliasingMarshaller<>(PushChunk.getDefaultInstance()),
          new AliasingMarshaller<>(SliceChunk.getDefaultInstance()))
      .build();

  /** Pull: aliased SliceChunk replies. */
  public static final MethodDescriptor<io.impetus.proto.PullRequest, SliceChunk> PULL = ShardGrpc.getPullMethod()
      .toBuilder(ShardGrpc.getPullMethod().getRequestMarshaller(),
          new AliasingMarshaller<>(SliceChunk.getDefaultInstance()))
      .build();

  /** Initialize: aliased InitializeChunk requests. */
  public static final MethodDescriptor<InitializeChunk, InitializeReply> INITIALIZE = ShardGrpc.getInitializeMethod()
      .toBuilder(new AliasingMarshaller<>(InitializeChunk.getDefaultInstance()),
          ShardGrpc.getInitializeMethod().getResponseMarshaller())
      .build();

  /**
   * The shard service bound with the aliasing descriptors, releasing every request message once the
   * handler's {@code onNext} has returned. Other methods are bound as generated.
   */
  public static ServerServiceDefinition bind(BindableService service) {
    ServerServiceDefinition generated = service.bindService();
    Map<String, MethodDescriptor<?, ?>> replaced = new HashMap<>();
    for (MethodDescriptor<?, ?> m : new MethodDescriptor<?, ?>[] {PUSH_PULL, PULL, INITIALIZE}) {
      replaced.put(m.getFullMethodName(), m);
    }
    ServiceDescriptor.Builder descriptor = ServiceDescriptor.newBuilder(ShardGrpc.SERVICE_NAME)
        .setSchemaDescriptor(generated.getServiceDescriptor().getSchemaDescriptor());
    Map<String, ServerMethodDefinition<?, ?>> methods = new HashMap<>();
    for (ServerMethodDefinition<?, ?> m : generated.getMethods()) {
      MethodDescriptor<?, ?> aliased = replaced.get(m.getMethodDescriptor().getFullMethodName());
      ServerMethodDefinition<?, ?> bound = aliased == null ? m : rebind(m, aliased);
      descriptor.addMethod(bound.getMethodDescriptor());
      methods.put(bound.getMethodDescriptor().getFullMethodName(), bound);
    }
    ServerServiceDefinition.Builder builder = ServerServiceDefinition.builder(descriptor.build());
    for (ServerMethodDefinition<?, ?> m : methods.values()) {
      builder.addMethod(m);
    }
    return builder.build();
  }

  @SuppressWarnings("unchecked")
  private static <Q, R> ServerMethodDefinition<Q, R> rebind(ServerMethodDefinition<?, ?> generated, MethodDescriptor<?, ?> aliased) {
    ServerCallHandler<Q, R> handler = (ServerCallHandler<Q, R>) generated.getServerCallHandler();
    return ServerMethodDefinition.create((MethodDescriptor<Q, R>) aliased, releasing(handler));
  }

  private static <Q, R> ServerCallHandler<Q, R> releasing(ServerCallHandler<Q, R> handler) {
    return (call, headers) -> new ForwardingServerCallListener.SimpleForwardingServerCallListener<Q>(
        handler.startCall(call, headers)) {
      @Override
      public void onMessage(Q message) {
        try {
          super.onMessage(message);
        } finally {
          AliasingMarshaller.release(message);
        }
      }
    };
  }

  /** Wraps a reply observer so each aliased message is released once its {@code onNext} has returned. */
  public static <T> StreamObserver<T> releasing(StreamObserver<T> observer) {
    return new StreamObserver<>() {
      @Override
      public void onNext(T value) {
        try {
          observer.onNext(value);
        } finally {
          AliasingMarshaller.release(value);
        }
      }

      @Override
      public void onError(Throwable t) {
        observer.onError(t);
      }

      @Override
      public void onCompleted() {
        observer.onCompleted();
      }
    };
  }
}
