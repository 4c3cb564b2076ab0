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
import java.util.HashMap;
import java.util.Map;

/**
 * The Shard methods that carry float slices, with {@link FloatChunk}s in place of their chunk
 * messages (PushChunk, SliceChunk, InitializeChunk), so that floats are encoded straight from the
 * sender's array into the transport and decoded straight from the transport into the receiver's
 * array. Same method names and wire format as {@link ShardGrpc}'s descriptors: a peer using the
 * generated stubs sees ordinary messages.
 *
 * <p>Every received chunk is released right after the receiving {@code onNext} returns: on the shard
 * by {@link #bind}, on the worker by {@link #releasing}. Receivers must therefore decode a chunk
 * inside {@code onNext} and keep no reference to it. Senders release each chunk they made from a float
 * array once its last {@code onNext} has returned (see {@link FloatChunk} for what that guarantees).
 */
public final class WireMethods {
  private WireMethods() {}

  private static final ChunkMarshaller<PushChunk> PUSH = new ChunkMarshaller<>(PushChunk.getDefaultInstance(),
      PushChunk.GRADIENT_FIELD_NUMBER, PushChunk::getGradient, (m, b) -> m.toBuilder().setGradient(b).build());
  private static final ChunkMarshaller<SliceChunk> SLICE = new ChunkMarshaller<>(SliceChunk.getDefaultInstance(),
      SliceChunk.VALUES_FIELD_NUMBER, SliceChunk::getValues, (m, b) -> m.toBuilder().setValues(b).build());
  private static final ChunkMarshaller<InitializeChunk> INIT = new ChunkMarshaller<>(InitializeChunk.getDefaultInstance(),
      InitializeChunk.VALUES_FIELD_NUMBER, InitializeChunk::getValues, (m, b) -> m.toBuilder().setValues(b).build());

  /** PushPull: gradient chunks up, slice chunks back. */
  public static final MethodDescriptor<FloatChunk<PushChunk>, FloatChunk<SliceChunk>> PUSH_PULL =
      ShardGrpc.getPushPullMethod().toBuilder(PUSH, SLICE).build();

  /** Pull: slice chunks back. */
  public static final MethodDescriptor<PullRequest, FloatChunk<SliceChunk>> PULL =
      ShardGrpc.getPullMethod().toBuilder(ShardGrpc.getPullMethod().getRequestMarshaller(), SLICE).build();

  /** Initialize: initial-value chunks up. */
  public static final MethodDescriptor<FloatChunk<InitializeChunk>, InitializeReply> INITIALIZE =
      ShardGrpc.getInitializeMethod().toBuilder(INIT, ShardGrpc.getInitializeMethod().getResponseMarshaller()).build();

  /**
   * Turns the zero-copy paths on (the default) or off for chunks sent and parsed from now on. Off,
   * chunks go through gRPC's protobuf marshaller like any message: floats encoded into a new byte
   * array, messages copied out of the transport's buffers ({@code impetus bench} compares both in one
   * run; {@code -Dimpetus.wire.zero-copy=false} starts with it off).
   */
  public static void setZeroCopy(boolean on) {
    ChunkMarshaller.setZeroCopy(on);
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
   * The shard service with its float-carrying methods bound to {@code service}'s {@link ChunkHandlers}
   * (releasing every received chunk once the handler's {@code onNext} has returned), and every other
   * method bound as generated.
   */
  public static <S extends BindableService & ChunkHandlers> ServerServiceDefinition bind(S service) {
    Map<String, ServerMethodDefinition<?, ?>> chunked = new HashMap<>();
    put(chunked, INITIALIZE, ServerCalls.asyncClientStreamingCall(reply -> releasing(service.initializeChunks(reply))));
    put(chunked, PULL, ServerCalls.asyncServerStreamingCall(service::pullChunks));
    put(chunked, PUSH_PULL, ServerCalls.asyncBidiStreamingCall(reply -> releasing(service.pushPullChunks(reply))));
    ServerServiceDefinition generated = service.bindService();
    ServiceDescriptor.Builder descriptor = ServiceDescriptor.newBuilder(ShardGrpc.SERVICE_NAME)
        .setSchemaDescriptor(generated.getServiceDescriptor().getSchemaDescriptor());
    Map<String, ServerMethodDefinition<?, ?>> methods = new HashMap<>();
    for (ServerMethodDefinition<?, ?> m : generated.getMethods()) {
      ServerMethodDefinition<?, ?> bound = chunked.getOrDefault(m.getMethodDescriptor().getFullMethodName(), m);
      descriptor.addMethod(bound.getMethodDescriptor());
      methods.put(bound.getMethodDescriptor().getFullMethodName(), bound);
    }
    ServerServiceDefinition.Builder builder = ServerServiceDefinition.builder(descriptor.build());
    for (ServerMethodDefinition<?, ?> m : methods.values()) {
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
