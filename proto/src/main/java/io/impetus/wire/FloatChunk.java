package io.impetus.wire;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import io.grpc.HasByteBuffer;
import io.impetus.proto.FloatEncoding;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * One chunk of a float slice as the Shard methods of {@link WireMethods} send and receive it: the
 * chunk message's other fields ({@link #fields}: header, offset, worker id) plus its float
 * payload, which is kept out of the protobuf message. On the wire a chunk is byte for byte the
 * protobuf encoding of the message with its {@code bytes} field set to the payload, so peers that use
 * the generated code see an ordinary PushChunk, SliceChunk or InitializeChunk.
 *
 * <p>The payload is float32 unless its stream's header declares another {@link FloatEncoding}: a
 * chunk does not carry its encoding, so a sender makes every chunk of a stream in the encoding its
 * header declares, and a receiver decodes each chunk in the encoding the header it received declared.
 *
 * <p>Keeping the payload out of the message lets it travel without intermediate copies: a chunk
 * made by {@link #of(Message, float[], int, int)} is encoded from the float array straight into the
 * transport's buffers when gRPC frames it, and a received chunk is decoded from the transport's
 * buffers straight into the receiver's float array by {@link #decode} or {@link #decodeChecked}
 * (once: a payload still in the transport's buffers is consumed by decoding it).
 *
 * <p>Ownership. A chunk made from a float array reads that array until {@link #release} returns. On
 * an established Netty stream gRPC frames a message inside {@code onNext}, so the sender calls
 * {@code release()} right after its last {@code onNext} with the chunk; if some transport has not
 * consumed the chunk by then (an in-process call, a call still waiting for its connection), release
 * copies what that transport still needs, so the array is free as soon as release returns. A
 * transport that would serialize the chunk again later (grpc-java's retries replay buffered
 * messages) cannot be served after release: send chunks made with {@link #of(Message, ByteString)}
 * over such channels. A received chunk's payload may point into the transport's buffers: it is valid
 * until {@link #release}, which {@link WireMethods} calls right after the receiving {@code onNext}
 * returns, so receivers decode inside {@code onNext} and keep no reference to the chunk.
 *
 * @param <M> the chunk message type; its float {@code bytes} field is always empty in {@link #fields}
 */
public final class FloatChunk<M extends Message> {
  private final M fields;
  // exactly one payload: a range of a float array, encoded bytes, or the rest of a transport stream
  private final float[] source;
  private final int from;
  private final int length;
  /** How a float-array payload is encoded when sent (received payloads are decoded as the receiver says). */
  private final FloatEncoding encoding;
  private final ByteString bytes;
  /**
   * The transport's detached stream (also a {@link HasByteBuffer}) whose remaining {@code
   * transportBytes} bytes are the payload; null once released, or for the other kinds.
   */
  private InputStream transport;
  private final int transportBytes;
  private boolean decoded;
  /** Streams of a float-array chunk that a transport may not have consumed yet; guarded by this. */
  private List<ChunkStream> streams;
  private boolean released;

  private FloatChunk(M fields, float[] source, int from, int length, FloatEncoding encoding, ByteString bytes,
      InputStream transport, int transportBytes) {
    this.fields = fields;
    this.source = source;
    this.from = from;
    this.length = length;
    this.encoding = encoding;
    this.bytes = bytes;
    this.transport = transport;
    this.transportBytes = transportBytes;
  }

  /**
   * A chunk to send whose payload is {@code source[from, from+length)}, encoded only when gRPC
   * serializes the chunk. {@code fields} must leave the float field empty. See the class comment for
   * how long {@code source} must stay untouched.
   */
  public static <M extends Message> FloatChunk<M> of(M fields, float[] source, int from, int length) {
    return of(fields, source, from, length, FloatEncoding.FP32);
  }

  /**
   * As {@link #of(Message, float[], int, int)}, the payload encoded in {@code encoding} (the stream's
   * header must declare it, so the receiver decodes it so).
   */
  public static <M extends Message> FloatChunk<M> of(
      M fields, float[] source, int from, int length, FloatEncoding encoding) {
    if (from < 0 || length < 0 || from > source.length - length) {
      throw new IndexOutOfBoundsException(
          "floats [" + from + ", " + from + " + " + length + ") of an array of " + source.length);
    }
    FloatCodec.bytesPerValue(encoding); // refuses UNRECOGNIZED
    return new FloatChunk<>(fields, source, from, length, encoding, null, null, 0);
  }

  /**
   * A chunk whose payload is already encoded ({@link FloatCodec#wrap}): for channels that may
   * serialize a message more than once. {@code fields} must leave the float field empty.
   */
  public static <M extends Message> FloatChunk<M> of(M fields, ByteString floatBytes) {
    return new FloatChunk<>(fields, null, 0, 0, null, floatBytes, null, 0);
  }

  /** A received chunk whose payload was copied out of the transport. */
  static <M extends Message> FloatChunk<M> received(M fields, ByteString bytes) {
    return new FloatChunk<>(fields, null, 0, 0, null, bytes, null, 0);
  }

  /**
   * A received chunk whose payload is the remaining {@code byteCount} bytes of {@code buffers}, a
   * detached transport stream that also implements {@link HasByteBuffer}; the chunk closes it on
   * {@link #release}.
   */
  static <M extends Message> FloatChunk<M> inTransport(M fields, InputStream buffers, int byteCount) {
    return new FloatChunk<>(fields, null, 0, 0, null, null, buffers, byteCount);
  }

  /** The chunk message without its floats. */
  public M fields() {
    return fields;
  }

  /**
   * Number of floats in the payload, float32 if received.
   *
   * @throws IllegalArgumentException if a received payload is not whole floats
   */
  public int floatCount() {
    return floatCount(FloatEncoding.FP32);
  }

  /**
   * Number of values in the payload, a received one read as {@code encoding} (a float-array chunk
   * knows its own encoding).
   *
   * @throws IllegalArgumentException if a received payload is not whole values
   */
  public int floatCount(FloatEncoding encoding) {
    return source != null ? length
        : FloatCodec.floatCount(bytes != null ? bytes.size() : transportBytes, encoding);
  }

  /**
   * Decodes a float32 payload into {@code dst} starting at {@code dstOffset}.
   *
   * @return the number of floats decoded
   * @throws IllegalArgumentException if the payload is not whole floats or does not fit in dst
   */
  public int decode(float[] dst, int dstOffset) {
    return decode(dst, dstOffset, FloatEncoding.FP32);
  }

  /**
   * Decodes a payload in {@code encoding} (the stream's header declares it) into {@code dst} starting
   * at {@code dstOffset}. A float-array chunk is copied, rounded as its own encoding would deliver it.
   *
   * @return the number of values decoded
   * @throws IllegalArgumentException if the payload is not whole values or does not fit in dst
   */
  public int decode(float[] dst, int dstOffset, FloatEncoding encoding) {
    if (bytes != null) {
      return FloatCodec.decode(bytes, dst, dstOffset, encoding);
    }
    if (source == null) {
      decodeTransport(dst, dstOffset, false, encoding);
      return FloatCodec.floatCount(transportBytes, encoding);
    }
    copySource(dst, dstOffset);
    return length;
  }

  /**
   * Decodes a float32 payload like {@link #decode} and, in the same pass, finds the first NaN or
   * infinity.
   *
   * @return the index in {@code dst} of the first non-finite value decoded, or -1 if all are finite
   * @throws IllegalArgumentException if the payload is not whole floats or does not fit in dst
   */
  public int decodeChecked(float[] dst, int dstOffset) {
    return decodeChecked(dst, dstOffset, FloatEncoding.FP32);
  }

  /**
   * Decodes a payload in {@code encoding} like {@link #decode(float[], int, FloatEncoding)} and, in
   * the same pass, finds the first NaN or infinity like {@link #decodeChecked(float[], int)}.
   */
  public int decodeChecked(float[] dst, int dstOffset, FloatEncoding encoding) {
    if (bytes != null) {
      return FloatCodec.decodeChecked(bytes, dst, dstOffset, encoding);
    }
    if (source == null) {
      return decodeTransport(dst, dstOffset, true, encoding);
    }
    copySource(dst, dstOffset);
    return FloatDecoder.firstNonFinite(dst, dstOffset, dstOffset + length);
  }

  private void copySource(float[] dst, int dstOffset) {
    FloatCodec.checkFits(length, dst, dstOffset);
    if (encoding == FloatEncoding.BF16) {
      for (int i = 0; i < length; i++) {
        dst[dstOffset + i] = Bf16.round(source[from + i]);
      }
    } else {
      System.arraycopy(source, from, dst, dstOffset, length);
    }
  }

  /**
   * Decodes the payload piece by piece from the transport's own buffers (one HTTP/2 frame each,
   * typically), with no byte string or copy in between; the buffers go back to the transport when
   * the chunk is released.
   */
  private int decodeTransport(float[] dst, int dstOffset, boolean check, FloatEncoding encoding) {
    FloatCodec.checkFits(FloatCodec.floatCount(transportBytes, encoding), dst, dstOffset);
    InputStream in;
    synchronized (this) {
      if (decoded || transport == null) {
        throw new IllegalStateException(decoded
            ? "this chunk's payload was decoded already: it was read out of the transport's buffers"
            : "this chunk was released: its payload went back to the transport");
      }
      decoded = true;
      in = transport;
    }
    FloatDecoder decoder = new FloatDecoder().start(dst, dstOffset, check, encoding);
    try {
      for (int left = transportBytes; left > 0; ) {
        ByteBuffer piece = ((HasByteBuffer) in).getByteBuffer();
        if (piece == null || !piece.hasRemaining()) {
          throw new IllegalStateException("the transport's buffers end before the payload does");
        }
        int n = Math.min(piece.remaining(), left);
        piece.limit(piece.position() + n);
        decoder.accept(piece);
        if (in.skip(n) != n) {
          throw new IllegalStateException("the transport's buffers end before the payload does");
        }
        left -= n;
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the transport's buffers", e);
    }
    return decoder.firstNonFinite();
  }

  /**
   * Ends the sender's or receiver's use of the chunk (see the class comment): a sent chunk no longer
   * reads its float array, a received one returns the transport's buffers. Idempotent.
   */
  public void release() {
    List<ChunkStream> pending;
    InputStream buffers;
    synchronized (this) {
      if (released) {
        return;
      }
      released = true;
      pending = streams;
      streams = null;
      buffers = transport;
      transport = null;
    }
    if (pending != null) {
      for (ChunkStream s : pending) {
        s.detachFromSource();
      }
    }
    if (buffers != null) {
      try {
        buffers.close();
      } catch (IOException ignored) {
        // handing a buffer back to the transport does not fail in practice
      }
    }
  }

  /** Whether the payload is a float array range (encoded by the stream itself). */
  boolean fromFloats() {
    return source != null;
  }

  /** Whether the payload is still in the transport's buffers (such a chunk cannot be sent on). */
  boolean inTransport() {
    return source == null && bytes == null;
  }

  /** Payload size in bytes. */
  int payloadBytes() {
    return source != null ? length * FloatCodec.bytesPerValue(encoding) : bytes != null ? bytes.size() : transportBytes;
  }

  /** How a float-array payload is encoded (null for the other kinds). */
  FloatEncoding encoding() {
    return encoding;
  }

  /** The encoded payload (only for chunks that are neither from floats nor in the transport). */
  ByteString bytes() {
    return bytes;
  }

  float[] source() {
    return source;
  }

  int from() {
    return from;
  }

  int length() {
    return length;
  }

  /** Registers a stream that reads the float array, so that {@link #release} can detach it. */
  synchronized void opened(ChunkStream stream) {
    if (released) {
      throw new IllegalStateException(
          "this chunk was released: its float array may have changed since, so it cannot be serialized again");
    }
    if (streams == null) {
      streams = new ArrayList<>(2);
    }
    streams.add(stream);
  }
}
