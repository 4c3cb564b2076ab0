package io.impetus.wire;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import com.google.protobuf.WireFormat;
import io.grpc.Detachable;
import io.grpc.HasByteBuffer;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.protobuf.ProtoUtils;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Marshals the {@link FloatChunk}s of one chunk message type (PushChunk, SliceChunk or
 * InitializeChunk, whose floats are in one {@code bytes} field).
 *
 * <p>Sending, a chunk is a {@link ChunkStream} that encodes the payload straight into the transport.
 * Receiving, when the transport hands over its buffers ({@link Detachable} and {@link HasByteBuffer},
 * as Netty does for an uncompressed message), the buffers are detached, only the small fields are
 * copied out and parsed, and the payload stays in the buffers until the receiver decodes it into its
 * float array (no byte string is built over it: a rope over a ~1 MB payload made of one piece per
 * 16 KiB HTTP/2 frame allocated more than 100 KB per message). Other streams (in-process transport,
 * compression) are parsed by gRPC's usual protobuf marshaller.
 *
 * <p>A copying marshaller ({@code zeroCopy} false, see {@link WireMethods#copying}) takes the plain
 * protobuf path in both directions: floats encoded into a new byte array, messages copied out of the
 * transport's buffers. It exists to measure what the zero-copy paths save.
 */
final class ChunkMarshaller<M extends Message> implements MethodDescriptor.Marshaller<FloatChunk<M>> {
  private final MethodDescriptor.Marshaller<M> plain;
  private final Parser<M> parser;
  private final int floatField;
  private final Function<M, ByteString> payload;
  private final BiFunction<M, ByteString, M> withPayload;
  private final boolean zeroCopy;

  /**
   * @param floatField the number of the message's float32 {@code bytes} field
   * @param payload reads that field
   * @param withPayload a copy of a message with that field set
   * @param zeroCopy whether chunks go straight between float arrays and the transport's buffers (else
   *     through gRPC's protobuf marshaller)
   */
  @SuppressWarnings("unchecked")
  ChunkMarshaller(M prototype, int floatField, Function<M, ByteString> payload, BiFunction<M, ByteString, M> withPayload,
      boolean zeroCopy) {
    this.plain = ProtoUtils.marshaller(prototype);
    this.parser = (Parser<M>) prototype.getParserForType();
    this.floatField = floatField;
    this.payload = payload;
    this.withPayload = withPayload;
    this.zeroCopy = zeroCopy;
  }

  @Override
  public InputStream stream(FloatChunk<M> chunk) {
    if (chunk.inTransport()) {
      throw new IllegalArgumentException("a chunk whose payload is in the transport's buffers cannot be sent on");
    }
    if (!payload.apply(chunk.fields()).isEmpty()) {
      throw new IllegalArgumentException("a chunk's fields must leave the float field empty: the payload goes beside them");
    }
    if (zeroCopy) {
      return new ChunkStream(chunk, floatField);
    }
    ByteString bytes = chunk.fromFloats()
        ? FloatCodec.encode(chunk.source(), chunk.from(), chunk.length(), chunk.encoding())
        : chunk.bytes();
    return plain.stream(withPayload.apply(chunk.fields(), bytes));
  }

  @Override
  public FloatChunk<M> parse(InputStream stream) {
    if (!zeroCopy
        || !(stream instanceof Detachable detachable)
        || !(stream instanceof HasByteBuffer hasBuffer)
        || !hasBuffer.byteBufferSupported()
        || !stream.markSupported()) {
      return received(plain.parse(stream));
    }
    InputStream detached = detachable.detach();
    boolean held = false;
    try {
      // Marked, the stream keeps the buffers it is read past until it is closed, so that an unusual
      // message can be reset and parsed the usual way after all.
      detached.mark(Integer.MAX_VALUE);
      FloatChunk<M> chunk = parseFieldsUpToPayload(detached);
      if (chunk == null) {
        detached.reset();
        return received(plain.parse(detached));
      }
      held = chunk.inTransport();
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

  /**
   * Copies the message's small fields out of {@code in} and parses them, stopping at the float field:
   * when that is the last field (as protobuf and {@link ChunkStream} write it), the chunk's payload is
   * the rest of {@code in}, still in the transport's buffers. Returns null for any other layout (the
   * float field followed by more fields, or groups), which the caller parses the usual way.
   */
  private FloatChunk<M> parseFieldsUpToPayload(InputStream in) throws IOException {
    FieldBytes fields = new FieldBytes();
    while (in.available() > 0) {
      int beforeTag = fields.size;
      int tag = (int) readVarint(in, fields);
      int wireType = WireFormat.getTagWireType(tag);
      if (WireFormat.getTagFieldNumber(tag) == floatField && wireType == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
        fields.size = beforeTag;
        int payloadBytes = (int) readVarint(in, null);
        if (payloadBytes != in.available()) {
          return null;
        }
        return FloatChunk.inTransport(fields.parse(parser), in, payloadBytes);
      }
      switch (wireType) {
        case WireFormat.WIRETYPE_VARINT -> readVarint(in, fields);
        case WireFormat.WIRETYPE_FIXED64 -> fields.copy(in, 8);
        case WireFormat.WIRETYPE_FIXED32 -> fields.copy(in, 4);
        case WireFormat.WIRETYPE_LENGTH_DELIMITED -> fields.copy(in, (int) readVarint(in, fields));
        default -> {
          return null;
        }
      }
    }
    return FloatChunk.received(fields.parse(parser), ByteString.EMPTY);
  }

  /** Reads a varint, also appending its bytes to {@code copy} unless that is null. */
  private static long readVarint(InputStream in, FieldBytes copy) throws IOException {
    long value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      int b = in.read();
      if (b < 0) {
        throw new InvalidProtocolBufferException("message ends inside a varint");
      }
      if (copy != null) {
        copy.append(b);
      }
      value |= (long) (b & 0x7f) << shift;
      if (b < 0x80) {
        return value;
      }
    }
    throw new InvalidProtocolBufferException("malformed varint");
  }

  /** The raw bytes of the fields other than the payload, which together encode the message without it. */
  private static final class FieldBytes {
    private byte[] bytes = new byte[64];
    int size;

    void copy(InputStream in, int n) throws IOException {
      if (n < 0 || n > in.available()) {
        throw new InvalidProtocolBufferException("field longer than the message");
      }
      ensure(n);
      for (int done = 0; done < n; ) {
        int k = in.read(bytes, size, n - done);
        if (k < 0) {
          throw new InvalidProtocolBufferException("message ends inside a field");
        }
        size += k;
        done += k;
      }
    }

    <T> T parse(Parser<T> parser) throws InvalidProtocolBufferException {
      return parser.parseFrom(bytes, 0, size);
    }

    void append(int b) {
      ensure(1);
      bytes[size++] = (byte) b;
    }

    private void ensure(int n) {
      if (size + n > bytes.length) {
        bytes = Arrays.copyOf(bytes, Math.max(2 * bytes.length, size + n));
      }
    }
  }

  private FloatChunk<M> received(M message) {
    ByteString bytes = payload.apply(message);
    return FloatChunk.received(bytes.isEmpty() ? message : withPayload.apply(message, ByteString.EMPTY), bytes);
  }

  private static void closeQuietly(InputStream stream) {
    try {
      stream.close();
    } catch (IOException ignored) {
      // releasing a transport buffer does not fail in practice
    }
  }
}
