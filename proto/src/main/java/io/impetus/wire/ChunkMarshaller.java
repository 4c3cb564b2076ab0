package io.impetus.wire;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import com.google.protobuf.UnsafeByteOperations;
import io.grpc.Detachable;
import io.grpc.HasByteBuffer;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.protobuf.ProtoUtils;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Marshals the {@link FloatChunk}s of one chunk message type (PushChunk, SliceChunk or
 * InitializeChunk, whose floats are in one {@code bytes} field).
 *
 * <p>Sending, a chunk is a {@link ChunkStream} that encodes the payload straight into the transport.
 * Receiving, when the transport hands over its buffers ({@link Detachable} and {@link HasByteBuffer},
 * as Netty does for an uncompressed message), the buffers are detached and the payload is left in
 * them until the chunk is released; other streams (in-process transport, compression) are parsed by
 * gRPC's usual protobuf marshaller. {@link #setZeroCopy} switches both directions to the plain
 * protobuf path, to measure the difference.
 */
final class ChunkMarshaller<M extends Message> implements MethodDescriptor.Marshaller<FloatChunk<M>> {
  /** {@code -Dimpetus.wire.zero-copy=false} starts with the plain protobuf path ({@code impetus bench} compares both). */
  private static volatile boolean zeroCopy = !"false".equals(System.getProperty("impetus.wire.zero-copy"));

  static void setZeroCopy(boolean on) {
    zeroCopy = on;
  }

  private final MethodDescriptor.Marshaller<M> plain;
  private final Parser<M> parser;
  private final int floatField;
  private final Function<M, ByteString> payload;
  private final BiFunction<M, ByteString, M> withPayload;

  /**
   * @param floatField the number of the message's float32 {@code bytes} field
   * @param payload reads that field
   * @param withPayload a copy of a message with that field set
   */
  @SuppressWarnings("unchecked")
  ChunkMarshaller(M prototype, int floatField, Function<M, ByteString> payload, BiFunction<M, ByteString, M> withPayload) {
    this.plain = ProtoUtils.marshaller(prototype);
    this.parser = (Parser<M>) prototype.getParserForType();
    this.floatField = floatField;
    this.payload = payload;
    this.withPayload = withPayload;
  }

  @Override
  public InputStream stream(FloatChunk<M> chunk) {
    if (!payload.apply(chunk.fields()).isEmpty()) {
      throw new IllegalArgumentException("a chunk's fields must leave the float field empty: the payload goes beside them");
    }
    if (zeroCopy) {
      return new ChunkStream(chunk, floatField);
    }
    ByteString bytes = chunk.fromFloats() ? FloatCodec.encode(chunk.source(), chunk.from(), chunk.length()) : chunk.bytes();
    return plain.stream(withPayload.apply(chunk.fields(), bytes));
  }

  @Override
  public FloatChunk<M> parse(InputStream stream) {
    if (!zeroCopy
        || !(stream instanceof Detachable detachable)
        || !(stream instanceof HasByteBuffer hasBuffer)
        || !hasBuffer.byteBufferSupported()
        || !stream.markSupported()) {
      return received(plain.parse(stream), null);
    }
    InputStream detached = detachable.detach();
    boolean held = false;
    try {
      // Marked, the stream keeps every buffer it has been read past (instead of handing it back to
      // the transport's pool as it goes) until it is closed: the pieces we alias stay valid.
      detached.mark(Integer.MAX_VALUE);
      List<ByteString> pieces = new ArrayList<>();
      while (detached.available() > 0) {
        ByteBuffer buffer = ((HasByteBuffer) detached).getByteBuffer();
        if (buffer == null || !buffer.hasRemaining()) {
          break;
        }
        int n = buffer.remaining();
        pieces.add(UnsafeByteOperations.unsafeWrap(buffer));
        if (detached.skip(n) != n) {
          throw new IOException("transport buffer shorter than announced");
        }
      }
      if (detached.available() > 0) {
        // a buffer that cannot be exposed after all: parse this message the usual way
        detached.reset();
        return received(plain.parse(detached), null);
      }
      CodedInputStream input = ByteString.copyFrom(pieces).newCodedInput();
      input.enableAliasing(true);
      input.setSizeLimit(Integer.MAX_VALUE);
      FloatChunk<M> chunk = received(parser.parseFrom(input), detached);
      held = true;
      return chunk;
    } catch (InvalidProtocolBufferException e) {
      throw Status.INTERNAL.withDescription("invalid protobuf byte sequence").withCause(e).asRuntimeException();
    } catch (IOException e) {
      throw Status.INTERNAL.withDescription("cannot read the message").withCause(e).asRuntimeException();
    } finally {
      if (!held) {
        closeQuietly(detached);
      }
    }
  }

  private FloatChunk<M> received(M message, InputStream owner) {
    ByteString bytes = payload.apply(message);
    return FloatChunk.received(bytes.isEmpty() ? message : withPayload.apply(message, ByteString.EMPTY), bytes, owner);
  }

  private static void closeQuietly(InputStream stream) {
    try {
      stream.close();
    } catch (IOException ignored) {
      // releasing a transport buffer does not fail in practice
    }
  }
}
