package io.impetus.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.Detachable;
import io.grpc.Drainable;
import io.grpc.HasByteBuffer;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import io.impetus.proto.FloatEncoding;
import io.impetus.proto.InitializeChunk;
import io.impetus.proto.PushChunk;
import io.impetus.proto.PushHeader;
import io.impetus.proto.SliceChunk;
import io.impetus.proto.SliceHeader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ChunkMarshallerTest {
  /** Lengths around the edges: empty, one float, the 1024-float scratch buffer, a whole chunk. */
  private static final int[] LENGTHS = {0, 1, 3, 1023, 1024, 1025, 3 * 1024 + 7, FloatCodec.MAX_CHUNK_FLOATS};

  private static final WireMethods ZERO_COPY = WireMethods.zeroCopy();
  private static final MethodDescriptor.Marshaller<FloatChunk<PushChunk>> PUSH = ZERO_COPY.pushPull().getRequestMarshaller();
  private static final MethodDescriptor.Marshaller<FloatChunk<SliceChunk>> SLICE = ZERO_COPY.pushPull().getResponseMarshaller();
  private static final MethodDescriptor.Marshaller<FloatChunk<InitializeChunk>> INIT = ZERO_COPY.initialize().getRequestMarshaller();

  static float[] floats(int n, long seed) {
    float[] values = new float[n];
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < n; i++) {
      values[i] = (float) random.nextGaussian();
    }
    if (n > 3) {
      values[3] = Float.intBitsToFloat(0x7fc00001); // a NaN payload must survive bit for bit
    }
    return values;
  }

  static byte[] drain(InputStream stream) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int known = stream.available();
    int written = ((Drainable) stream).drainTo(out);
    assertEquals(known, written, "drainTo writes what available() announced");
    assertEquals(out.size(), written);
    assertEquals(0, stream.available());
    return out.toByteArray();
  }

  static byte[] readAll(InputStream stream) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[1000];
    int first = stream.read();
    if (first >= 0) {
      out.write(first);
    }
    for (int n; (n = stream.read(buffer, 0, buffer.length)) > 0; ) {
      out.write(buffer, 0, n);
    }
    return out.toByteArray();
  }

  /** Bytes in direct buffers of odd sizes, as a transport hands them over; counts close(). */
  static final class TransportStream extends InputStream implements Detachable, HasByteBuffer {
    final List<ByteBuffer> buffers;
    int index;
    int closed;

    TransportStream(byte[] bytes, int piece) {
      buffers = new ArrayList<>();
      for (int from = 0; from < bytes.length; from += piece) {
        int n = Math.min(piece, bytes.length - from);
        ByteBuffer b = ByteBuffer.allocateDirect(n);
        b.put(bytes, from, n).flip();
        buffers.add(b);
      }
    }

    private TransportStream(List<ByteBuffer> rest) {
      buffers = rest;
    }

    @Override
    public int read() {
      while (index < buffers.size() && !buffers.get(index).hasRemaining()) {
        index++;
      }
      return index < buffers.size() ? buffers.get(index).get() & 0xff : -1;
    }

    @Override
    public int available() {
      int n = 0;
      for (int i = index; i < buffers.size(); i++) {
        n += buffers.get(i).remaining();
      }
      return n;
    }

    @Override
    public long skip(long n) {
      long left = n;
      while (left > 0 && index < buffers.size()) {
        ByteBuffer b = buffers.get(index);
        int k = (int) Math.min(left, b.remaining());
        b.position(b.position() + k);
        left -= k;
        if (!b.hasRemaining()) {
          index++;
        }
      }
      return n - left;
    }

    boolean marked;
    private int markIndex;
    private int[] markPositions;

    @Override
    public boolean markSupported() {
      return true;
    }

    @Override
    public synchronized void mark(int limit) {
      marked = true;
      markIndex = index;
      markPositions = buffers.stream().mapToInt(ByteBuffer::position).toArray();
    }

    @Override
    public synchronized void reset() {
      index = markIndex;
      for (int i = 0; i < buffers.size(); i++) {
        buffers.get(i).position(markPositions[i]);
      }
    }

    @Override
    public boolean byteBufferSupported() {
      return true;
    }

    @Override
    public ByteBuffer getByteBuffer() {
      while (index < buffers.size() && !buffers.get(index).hasRemaining()) {
        index++;
      }
      return index < buffers.size() ? buffers.get(index).slice() : null;
    }

    TransportStream detached;

    @Override
    public InputStream detach() {
      detached = new TransportStream(new ArrayList<>(buffers.subList(index, buffers.size())));
      buffers.clear();
      index = 0;
      return detached;
    }

    @Override
    public void close() {
      closed++;
    }
  }


  @Test
  void sentChunksAreByteForByteWhatProtobufSerializes() throws IOException {
    for (int n : LENGTHS) {
      float[] values = floats(n + 5, n);
      ByteString expected = FloatCodec.encode(values, 5, n);
      PushChunk push = PushChunk.newBuilder()
          .setHeader(PushHeader.newBuilder().setWorkerId(3).setReadVersion(17).setWorkerStep(-2).setLength(n).setLoss(0.25f))
          .setOffset(1L << 40)
          .build();
      SliceChunk slice = SliceChunk.newBuilder().setHeader(SliceHeader.newBuilder().setVersion(9).setLength(n)).build();
      InitializeChunk init = InitializeChunk.newBuilder().setWorkerId(1).setOffset(n).build();
      byte[][] want = {
          push.toBuilder().setGradient(expected).build().toByteArray(),
          slice.toBuilder().setValues(expected).build().toByteArray(),
          init.toBuilder().setValues(expected).build().toByteArray()};
      for (WireMethods wire : new WireMethods[] {WireMethods.zeroCopy(), WireMethods.copying()}) {
        MethodDescriptor.Marshaller<FloatChunk<PushChunk>> pushes = wire.pushPull().getRequestMarshaller();
        InputStream[] streams = {
            pushes.stream(FloatChunk.of(push, values, 5, n)),
            wire.pushPull().getResponseMarshaller().stream(FloatChunk.of(slice, values, 5, n)),
            wire.initialize().getRequestMarshaller().stream(FloatChunk.of(init, values, 5, n))};
        for (int t = 0; t < 3; t++) {
          String what = "type " + t + ", " + n + " floats, " + wire;
          assertTrue(streams[t] instanceof Drainable && streams[t] instanceof KnownLength, what);
          assertEquals(want[t].length, streams[t].available(), what);
          assertArrayEquals(want[t], drain(streams[t]), what);
        }
        assertArrayEquals(want[0], readAll(pushes.stream(FloatChunk.of(push, values, 5, n))), "read, " + n);
        assertArrayEquals(want[0], drain(pushes.stream(FloatChunk.of(push, expected))), "encoded, " + n);
      }
    }
  }

  @Test
  void aStreamNotConsumedBeforeReleaseKeepsTheFloatsAsTheyWere() throws IOException {
    float[] values = floats(40_000, 7);
    byte[] want = SliceChunk.newBuilder().setOffset(4).setValues(FloatCodec.encode(values)).build().toByteArray();
    FloatChunk<SliceChunk> chunk = FloatChunk.of(SliceChunk.newBuilder().setOffset(4).build(), values, 0, values.length);
    InputStream drainedLater = SLICE.stream(chunk);
    InputStream readLater = SLICE.stream(chunk);
    InputStream drainedNow = SLICE.stream(chunk);
    assertArrayEquals(want, drain(drainedNow));
    chunk.release();
    java.util.Arrays.fill(values, 1f); // the sender's array is its own again
    assertArrayEquals(want, drain(drainedLater));
    assertArrayEquals(want, readAll(readLater));
    assertThrows(IllegalStateException.class, () -> SLICE.stream(chunk), "a released chunk cannot be serialized again");
  }

  @Test
  void fieldsMustLeaveTheFloatFieldEmpty() {
    PushChunk withFloats = PushChunk.newBuilder().setGradient(FloatCodec.encode(new float[] {1f})).build();
    assertThrows(IllegalArgumentException.class, () -> PUSH.stream(FloatChunk.of(withFloats, new float[1], 0, 1)));
  }

  @Test
  void parsesFromTransportBuffersDecodesBitExactAndReleases() {
    float[] gradient = floats(10_007, 5);
    PushChunk message = PushChunk.newBuilder()
        .setHeader(PushHeader.newBuilder().setWorkerId(3).setLength(gradient.length))
        .setOffset(0)
        .setGradient(FloatCodec.encode(gradient))
        .build();
    for (int piece : new int[] {1, 7, 4096, 16_381, 1 << 20}) {
      TransportStream stream = new TransportStream(message.toByteArray(), piece);
      FloatChunk<PushChunk> parsed = PUSH.parse(stream);
      assertEquals(3, parsed.fields().getHeader().getWorkerId());
      assertTrue(parsed.fields().getGradient().isEmpty(), "the floats are not in the fields");
      assertEquals(gradient.length, parsed.floatCount());
      float[] out = new float[gradient.length + 1];
      assertEquals(4, parsed.decodeChecked(out, 1), "the NaN at 3 lands at 4");
      for (int i = 0; i < gradient.length; i++) {
        assertEquals(Float.floatToRawIntBits(gradient[i]), Float.floatToRawIntBits(out[i + 1]), "piece " + piece);
      }
      assertTrue(stream.detached.marked, "marked, so buffers read past are kept");
      assertEquals(0, stream.detached.closed, "held until released");
      parsed.release();
      parsed.release();
      assertEquals(1, stream.detached.closed, "released once");
    }
  }

  @Test
  void parsesOrdinaryStreamsAndTheProtobufPathAlike() {
    float[] values = floats(1000, 9);
    SliceChunk message = SliceChunk.newBuilder()
        .setHeader(SliceHeader.newBuilder().setVersion(4).setLength(values.length))
        .setValues(FloatCodec.encode(values))
        .build();
    for (WireMethods wire : new WireMethods[] {WireMethods.zeroCopy(), WireMethods.copying()}) {
      for (InputStream stream : new InputStream[] {
          new ByteArrayInputStream(message.toByteArray()), new TransportStream(message.toByteArray(), 333)}) {
        FloatChunk<SliceChunk> parsed = wire.pushPull().getResponseMarshaller().parse(stream);
        assertEquals(4, parsed.fields().getHeader().getVersion());
        assertTrue(parsed.fields().getValues().isEmpty());
        float[] out = new float[values.length];
        assertEquals(values.length, parsed.decode(out, 0));
        assertEquals(Float.floatToRawIntBits(values[3]), Float.floatToRawIntBits(out[3]));
        assertEquals(values[999], out[999], 0f);
        parsed.release();
      }
    }
  }

  @Test
  void receivedPayloadsThatAreNotWholeFloatsAreRefused() {
    byte[] bytes = PushChunk.newBuilder().setGradient(ByteString.copyFrom(new byte[5])).build().toByteArray();
    FloatChunk<PushChunk> parsed = PUSH.parse(new TransportStream(bytes, 3));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, parsed::floatCount);
    assertEquals("float32 payload has 5 bytes, which is not a multiple of 4", e.getMessage());
    parsed.release();
  }

  @Test
  void aPayloadThatIsNotTheLastFieldIsParsedTheUsualWay() throws IOException {
    float[] values = floats(3000, 11);
    SliceChunk header = SliceChunk.newBuilder().setHeader(SliceHeader.newBuilder().setVersion(8)).setOffset(12).build();
    ByteArrayOutputStream unusual = new ByteArrayOutputStream();
    SliceChunk.newBuilder().setValues(FloatCodec.encode(values)).build().writeTo(unusual); // floats first
    header.writeTo(unusual);
    TransportStream stream = new TransportStream(unusual.toByteArray(), 1000);
    FloatChunk<SliceChunk> parsed = SLICE.parse(stream);
    assertEquals(header, parsed.fields());
    float[] out = new float[values.length];
    assertEquals(values.length, parsed.decode(out, 0));
    assertEquals(values[2999], out[2999], 0f);
    assertEquals(1, stream.detached.closed, "copied out, so the buffers went back at once");
    parsed.release();
  }

  @Test
  void aChunkWithoutFloatsHoldsNoBuffers() {
    PushChunk empty = PushChunk.newBuilder().setHeader(PushHeader.newBuilder().setWorkerId(2)).build();
    TransportStream stream = new TransportStream(empty.toByteArray(), 4);
    FloatChunk<PushChunk> parsed = PUSH.parse(stream);
    assertEquals(empty, parsed.fields());
    assertEquals(0, parsed.floatCount());
    assertEquals(1, stream.detached.closed);
    parsed.release();
  }

  @Test
  void aPayloadInTheTransportIsDecodedOnceAndNotAfterRelease() {
    byte[] bytes = PushChunk.newBuilder().setOffset(5).setGradient(FloatCodec.encode(new float[] {1f, 2f})).build().toByteArray();
    FloatChunk<PushChunk> parsed = PUSH.parse(new TransportStream(bytes, 5));
    assertEquals(5, parsed.fields().getOffset());
    assertThrows(IllegalArgumentException.class, () -> parsed.decode(new float[1], 0), "does not fit");
    float[] out = new float[2];
    assertEquals(2, parsed.decode(out, 0));
    assertArrayEquals(new float[] {1f, 2f}, out);
    assertThrows(IllegalStateException.class, () -> parsed.decode(out, 0));
    FloatChunk<PushChunk> released = PUSH.parse(new TransportStream(bytes, 5));
    released.release();
    assertThrows(IllegalStateException.class, () -> released.decode(out, 0));
    assertThrows(IllegalArgumentException.class, () -> PUSH.stream(released));
  }

  @Test
  void bf16ChunksAreSentAsProtobufWouldCarryTheRoundedValuesAndParsedBackFromTransportBuffers() throws IOException {
    for (int n : LENGTHS) {
      float[] values = floats(n + 5, n);
      ByteString expected = FloatCodec.encode(values, 5, n, FloatEncoding.BF16);
      SliceChunk fields = SliceChunk.newBuilder()
          .setHeader(SliceHeader.newBuilder().setVersion(2).setLength(n).setEncoding(FloatEncoding.BF16)).build();
      byte[] want = fields.toBuilder().setValues(expected).build().toByteArray();
      for (WireMethods wire : new WireMethods[] {WireMethods.zeroCopy(), WireMethods.copying()}) {
        MethodDescriptor.Marshaller<FloatChunk<SliceChunk>> slices = wire.pushPull().getResponseMarshaller();
        String what = n + " floats, " + wire;
        InputStream drained = slices.stream(FloatChunk.of(fields, values, 5, n, FloatEncoding.BF16));
        assertEquals(want.length, drained.available(), what);
        assertArrayEquals(want, drain(drained), what);
        assertArrayEquals(want, readAll(slices.stream(FloatChunk.of(fields, values, 5, n, FloatEncoding.BF16))), what);
      }
      for (int piece : new int[] {1, 3, 4096}) {
        FloatChunk<SliceChunk> parsed = SLICE.parse(new TransportStream(want, piece));
        assertEquals(FloatEncoding.BF16, parsed.fields().getHeader().getEncoding());
        assertEquals(n, parsed.floatCount(FloatEncoding.BF16));
        float[] out = new float[n];
        assertEquals(n, parsed.decode(out, 0, FloatEncoding.BF16));
        for (int i = 0; i < n; i++) {
          assertEquals(Float.floatToRawIntBits(Bf16.round(values[5 + i])), Float.floatToRawIntBits(out[i]),
              n + " floats, piece " + piece + ", value " + i);
        }
        parsed.release();
      }
    }
  }

  @Test
  void aBf16ChunkNotConsumedBeforeReleaseKeepsTheRoundedValuesAsTheyWere() throws IOException {
    float[] values = floats(3000, 13);
    byte[] want = PushChunk.newBuilder().setGradient(FloatCodec.encode(values, 0, 3000, FloatEncoding.BF16)).build()
        .toByteArray();
    FloatChunk<PushChunk> chunk = FloatChunk.of(PushChunk.getDefaultInstance(), values, 0, 3000, FloatEncoding.BF16);
    InputStream later = PUSH.stream(chunk);
    chunk.release();
    java.util.Arrays.fill(values, 1f);
    assertArrayEquals(want, drain(later));
  }

  @Test
  void receivedBf16PayloadsThatAreNotWholeValuesAreRefused() {
    byte[] bytes = PushChunk.newBuilder().setGradient(ByteString.copyFrom(new byte[7])).build().toByteArray();
    FloatChunk<PushChunk> parsed = PUSH.parse(new TransportStream(bytes, 3));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> parsed.decodeChecked(new float[8], 0, FloatEncoding.BF16));
    assertEquals("bfloat16 payload has 7 bytes, which is not a multiple of 2", e.getMessage());
    parsed.release();
  }
}
