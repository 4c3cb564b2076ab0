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
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A protobuf marshaller whose parsed messages' {@code bytes} fields alias gRPC's transport buffers
 * instead of being copied out of them (twice: into a byte[], then into the field). Used for the
 * messages that carry float slices ({@link WireMethods}).
 *
 * <p>When the transport hands over its buffers ({@link Detachable} and {@link HasByteBuffer}, as
 * Netty does for an uncompressed message), {@link #parse} detaches them and parses with aliasing,
 * so the message's byte strings point into those buffers. The buffers are returned to the transport
 * only by {@link #release}, which must be called with the message once it has been consumed (the
 * receivers decode every chunk into float arrays inside {@code onNext}; {@link WireMethods} releases
 * right after {@code onNext} returns). Until then the message must not escape; after it, the
 * message's byte strings must not be read. Streams that do not support this (in-process transport,
 * compressed messages) are parsed by gRPC's usual marshaller, and {@link #release} is a no-op for them.
 */
public final class AliasingMarshaller<T extends Message> implements MethodDescriptor.PrototypeMarshaller<T> {
  /** Messages parsed with aliasing, to the detached stream that owns their buffers. */
  private static final Map<Object, InputStream> HELD = new IdentityHashMap<>();

  /**
   * {@code -Dimpetus.wire.aliasing=false} parses every message the usual way (copying), to measure the
   * difference ({@code impetus bench}).
   */
  private static volatile boolean enabled = !"false".equals(System.getProperty("impetus.wire.aliasing"));

  /** Turns aliasing on or off for messages parsed from now on (benchmarks compare both in one run). */
  public static void setEnabled(boolean on) {
    enabled = on;
  }

  private final MethodDescriptor.PrototypeMarshaller<T> fallback;
  private final Parser<T> parser;
  private final T prototype;

  @SuppressWarnings("unchecked")
  public AliasingMarshaller(T prototype) {
    this.prototype = prototype;
    this.parser = (Parser<T>) prototype.getParserForType();
    this.fallback = (MethodDescriptor.PrototypeMarshaller<T>) ProtoUtils.marshaller(prototype);
  }

  @Override
  public Class<T> getMessageClass() {
    return fallback.getMessageClass();
  }

  @Override
  public T getMessagePrototype() {
    return prototype;
  }

  @Override
  public InputStream stream(T value) {
    return fallback.stream(value);
  }

  @Override
  public T parse(InputStream stream) {
    if (!enabled
        || !(stream instanceof Detachable detachable)
        || !(stream instanceof HasByteBuffer hasBuffer)
        || !hasBuffer.byteBufferSupported()
        || !stream.markSupported()) {
      return fallback.parse(stream);
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
        // a buffer that cannot be exposed after all: give up on aliasing for this message
        return fallback.parse(new SequenceStream(pieces, detached));
      }
      CodedInputStream input = ByteString.copyFrom(pieces).newCodedInput();
      input.enableAliasing(true);
      input.setSizeLimit(Integer.MAX_VALUE);
      T message = parser.parseFrom(input);
      synchronized (HELD) {
        HELD.put(message, detached);
      }
      held = true;
      return message;
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
   * Returns the transport buffers behind {@code message} (if it was parsed with aliasing); its byte
   * strings must not be read afterwards. Safe to call for any message, more than once.
   */
  public static void release(Object message) {
    InputStream stream;
    synchronized (HELD) {
      stream = HELD.remove(message);
    }
    if (stream != null) {
      closeQuietly(stream);
    }
  }

  /** Number of messages whose buffers are still held (for tests). */
  static int held() {
    synchronized (HELD) {
      return HELD.size();
    }
  }

  private static void closeQuietly(InputStream stream) {
    try {
      stream.close();
    } catch (IOException ignored) {
      // releasing a transport buffer does not fail in practice
    }
  }

  /** The pieces already taken off a detached stream, then the rest of it. */
  private static final class SequenceStream extends InputStream {
    private final List<ByteString> pieces;
    private final InputStream rest;
    private InputStream current;
    private int next;

    SequenceStream(List<ByteString> pieces, InputStream rest) {
      this.pieces = pieces;
      this.rest = rest;
    }

    private InputStream current() {
      while ((current == null || currentEmpty()) && next < pieces.size()) {
        current = pieces.get(next++).newInput();
      }
      return current == null || currentEmpty() ? rest : current;
    }

    private boolean currentEmpty() {
      try {
        return current.available() == 0;
      } catch (IOException e) {
        return true;
      }
    }

    @Override
    public int read() throws IOException {
      return current().read();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      return current().read(b, off, len);
    }
  }
}
