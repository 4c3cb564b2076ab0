package io.impetus.wire;

import io.grpc.BindableService;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.impetus.proto.InitializeChunk;
import io.impetus.proto.InitializeReply;
import io.impetus.proto.PullRequest;
import io.impetus.proto.PushChunk;
import io.impetus.proto.ShardGrpc;
import io.impetus.proto.SliceChunk;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The Shard methods that carry float slices, with {@link FloatChunk}s in place of their chunk
 * messages (PushChunk, SliceChunk, InitializeChunk), so that floats are encoded straight from the
 * sender's array into the transport and decoded straight from the transport into the receiver's
 * array. Same method names and wire format as {@link ShardGrpc}'s descriptors: a peer using the
 * generated stubs sees ordinary messages.
 *
 * <p>An instance is one way of marshalling chunks, chosen by whoever makes the calls or binds the
 * service: {@link #zeroCopy()} (the default, and what the static members use) or {@link #copying()}
 * (gRPC's protobuf path: floats encoded into a new byte array, messages copied out of the
 * transport's buffers; {@code impetus bench} measures the difference). Instances are immutable and
 * may be shared by any number of channels and servers.
 *
 * <p>Every received chunk is released right after the receiving {@code onNext} returns: on the shard
 * by {@link #bind}, on the worker by {@link #releasing}. Receivers must therefore decode a chunk
 * inside {@code onNext} and keep no reference to it. Senders release each chunk they made from a float
 * array once its last {@code onNext} has returned (see {@link FloatChunk} for what that guarantees).
 */
public final class WireMethods {
  private static final WireMethods ZERO_COPY = new WireMethods(true);
  private static final WireMethods COPYING = new WireMethods(false);

  /** PushPull with zero-copy chunks: gradient chunks up, slice chunks back. */
  public static final MethodDescriptor<FloatChunk<PushChunk>, FloatChunk<SliceChunk>> PUSH_PULL = ZERO_COPY.pushPull;

  /** Pull with zero-copy chunks: slice chunks back. */
  public static final MethodDescriptor<PullRequest, FloatChunk<SliceChunk>> PULL = ZERO_COPY.pull;

  /** Initialize with zero-copy chunks: initial-value chunks up. */
  public static final MethodDescriptor<FloatChunk<InitializeChunk>, InitializeReply> INITIALIZE = ZERO_COPY.initialize;

  private final boolean zeroCopy;
  private final MethodDescriptor<FloatChunk<PushChunk>, FloatChunk<SliceChunk>> pushPull;
  private final MethodDescriptor<PullRequest, FloatChunk<SliceChunk>> pull;
  private final MethodDescriptor<FloatChunk<InitializeChunk>, InitializeReply> initialize;

  private WireMethods(boolean zeroCopy) {
    this.zeroCopy = zeroCopy;
    ChunkMarshaller<PushChunk> push = new ChunkMarshaller<>(PushChunk.getDefaultInstance(),
        PushChunk.GRADIENT_FIELD_NUMBER, PushChunk::getGradient, (m, b) -> m.toBuilder().setGradient(b).build(), zeroCopy);
    ChunkMarshaller<SliceChunk> slice = new ChunkMarshaller<>(SliceChunk.getDefaultInstance(),
        SliceChunk.VALUES_FIELD_NUMBER, SliceChunk::getValues, (m, b) -> m.toBuilder().setValues(b).build(), zeroCopy);
    ChunkMarshaller<InitializeChunk> init = new ChunkMarshaller<>(InitializeChunk.getDefaultInstance(),
        InitializeChunk.VALUES_FIELD_NUMBER, InitializeChunk::getValues, (m, b) -> m.toBuilder().setValues(b).build(),
        zeroCopy);
    this.pushPull = ShardGrpc.getPushPullMethod().toBuilder(push, slice).build();
    this.pull = ShardGrpc.getPullMethod().toBuilder(ShardGrpc.getPullMethod().getRequestMarshaller(), slice).build();
    this.initialize =
        ShardGrpc.getInitializeMethod().toBuilder(init, ShardGrpc.getInitializeMethod().getResponseMarshaller()).build();
  }

  /** Chunks straight between float arrays and the transport's buffers: what production uses. */
  public static WireMethods zeroCopy() {
    return ZERO_COPY;
  }

  /** Chunks through gRPC's protobuf marshaller, copying floats on both sides: a baseline to measure against. */
  public static WireMethods copying() {
    return COPYING;
  }

  /** Whether this instance's chunks take the zero-copy paths. */
  public boolean isZeroCopy() {
    return zeroCopy;
  }

  /** PushPull: gradient chunks up, slice chunks back. */
  public MethodDescriptor<FloatChunk<PushChunk>, FloatChunk<SliceChunk>> pushPull() {
    return pushPull;
  }

  /** Pull: slice chunks back. */
  public MethodDescriptor<PullRequest, FloatChunk<SliceChunk>> pull() {
    return pull;
  }

  /** Initialize: initial-value chunks up. */
  public MethodDescriptor<FloatChunk<InitializeChunk>, InitializeReply> initialize() {
    return initialize;
  }

  @Override
  public String toString() {
    return zeroCopy ? "zero-copy chunks" : "copying chunks";
  }

  /** A shard service's handlers for the float-carrying methods, with chunks in place of the generated messages. */
  public interface ChunkHandlers {
    /** Initialize: receives the initial values. */
    StreamObserver<FloatChunk<InitializeChunk>> initializeChunks(StreamObserver<InitializeReply> reply);

    /** Pull: streams the current slice. */
    void pullChunks(PullRequest request, StreamObserver<FloatChunk<SliceChunk>> reply);

    /** PushPull: receives a gradient, streams back the fresh slice. */
    StreamObserver<FloatChunk<PushChunk>> pushPullChunks(StreamObserver<FloatChunk<SliceChunk>> reply);
  }

  /**
   * The shard service with its float-carrying methods bound, with zero-copy chunks, to {@code
   * service}'s {@link ChunkHandlers}: {@code zeroCopy().serviceDefinition(service)}.
   */
  public static <S extends BindableService & ChunkHandlers> ServerServiceDefinition bind(S service) {
    return ZERO_COPY.serviceDefinition(service);
  }

  /**
   * The shard service with its float-carrying methods bound to {@code service}'s {@link
   * ChunkHandlers} with this instance's chunks (releasing every received chunk once the handler's
   * {@code onNext} has returned), and every other method bound as generated.
   */
  public <S extends BindableService & ChunkHandlers> ServerServiceDefinition serviceDefinition(S service) {
    Map<String, ServerMethodDefinition<?, ?>> chunked = new HashMap<>();
    put(chunked, initialize, ServerCalls.asyncClientStreamingCall(reply -> releasing(service.initializeChunks(reply))));
    put(chunked, pull, ServerCalls.asyncServerStreamingCall(service::pullChunks));
    put(chunked, pushPull, ServerCalls.asyncBidiStreamingCall(reply -> releasing(service.pushPullChunks(reply))));
    return replaced(service.bindService(), m -> chunked.getOrDefault(m.getMethodDescriptor().getFullMethodName(), m));
  }

  /**
   * {@code definition}, a shard service bound by any instance (and possibly intercepted since), with
   * this instance's marshallers on its float-carrying methods and the same handlers: how a server
   * whose service is bound elsewhere is made to marshal chunks this instance's way.
   */
  public ServerServiceDefinition remarshalled(ServerServiceDefinition definition) {
    Map<String, MethodDescriptor<?, ?>> ours = Map.of(
        pushPull.getFullMethodName(), pushPull, pull.getFullMethodName(), pull,
        initialize.getFullMethodName(), initialize);
    return replaced(definition, m -> {
      MethodDescriptor<?, ?> mine = ours.get(m.getMethodDescriptor().getFullMethodName());
      return mine == null ? m : withMarshallersOf(m, mine);
    });
  }

  /** {@code method} with the marshallers of {@code like}, a descriptor of the same method and message types. */
  @SuppressWarnings("unchecked")
  private static <Q, R> ServerMethodDefinition<Q, R> withMarshallersOf(
      ServerMethodDefinition<Q, R> method, MethodDescriptor<?, ?> like) {
    MethodDescriptor<Q, R> typed = (MethodDescriptor<Q, R>) like;
    return ServerMethodDefinition.create(
        method.getMethodDescriptor().toBuilder(typed.getRequestMarshaller(), typed.getResponseMarshaller()).build(),
        method.getServerCallHandler());
  }

  /** {@code definition} with each method replaced by {@code replace}'s answer for it. */
  private static ServerServiceDefinition replaced(
      ServerServiceDefinition definition, UnaryOperator<ServerMethodDefinition<?, ?>> replace) {
    ServiceDescriptor.Builder descriptor = ServiceDescriptor.newBuilder(definition.getServiceDescriptor().getName())
        .setSchemaDescriptor(definition.getServiceDescriptor().getSchemaDescriptor());
    List<ServerMethodDefinition<?, ?>> methods = new ArrayList<>();
    for (ServerMethodDefinition<?, ?> m : definition.getMethods()) {
      ServerMethodDefinition<?, ?> bound = replace.apply(m);
      descriptor.addMethod(bound.getMethodDescriptor());
      methods.add(bound);
    }
    ServerServiceDefinition.Builder builder = ServerServiceDefinition.builder(descriptor.build());
    for (ServerMethodDefinition<?, ?> m : methods) {
      builder.addMethod(m);
    }
    return builder.build();
  }

  private static <Q, R> void put(
      Map<String, ServerMethodDefinition<?, ?>> methods, MethodDescriptor<Q, R> method, ServerCallHandler<Q, R> handler) {
    methods.put(method.getFullMethodName(), ServerMethodDefinition.create(method, handler));
  }

  /** Wraps a receiver of chunks so each chunk is released once its {@code onNext} has returned. */
  public static <M extends com.google.protobuf.Message> StreamObserver<FloatChunk<M>> releasing(
      StreamObserver<FloatChunk<M>> observer) {
    return new StreamObserver<>() {
      @Override
      public void onNext(FloatChunk<M> chunk) {
        try {
          observer.onNext(chunk);
        } finally {
          chunk.release();
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
