package io.impetus.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.Detachable;
import io.grpc.HasByteBuffer;
import io.impetus.proto.PushChunk;
import io.impetus.proto.PushHeader;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AliasingMarshallerTest {

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

    @Override
    public boolean markSupported() {
      return true;
    }

    @Override
    public synchronized void mark(int limit) {
      marked = true;
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
  void parsesWithAliasingDecodesBitExactAndReleases() {
    float[] gradient = new float[10_007];
    SplittableRandom random = new SplittableRandom(5);
    for (int i = 0; i < gradient.length; i++) {
      gradient[i] = (float) random.nextGaussian();
    }
    gradient[3] = Float.intBitsToFloat(0x7fc00001); // a NaN payload must survive bit for bit
    PushChunk chunk = PushChunk.newBuilder()
        .setHeader(PushHeader.newBuilder().setWorkerId(3).setLength(gradient.length))
        .setOffset(0)
        .setGradient(FloatCodec.encode(gradient))
        .build();
    AliasingMarshaller<PushChunk> marshaller = new AliasingMarshaller<>(PushChunk.getDefaultInstance());
    for (int piece : new int[] {1, 7, 4096, 16_381, 1 << 20}) {
      TransportStream stream = new TransportStream(chunk.toByteArray(), piece);
      PushChunk parsed = marshaller.parse(stream);
      assertEquals(3, parsed.getHeader().getWorkerId());
      boolean aliased = parsed.getGradient().asReadOnlyByteBufferList().stream().allMatch(ByteBuffer::isDirect);
      // protobuf concatenates pieces under 128 bytes by copying; transport buffers are far larger
      assertTrue(aliased || piece < 128, "gradient bytes alias the transport buffers (piece " + piece + ")");
      float[] out = new float[gradient.length];
      FloatCodec.decode(parsed.getGradient(), out, 0);
      int[] expected = new int[gradient.length];
      int[] actual = new int[gradient.length];
      for (int i = 0; i < gradient.length; i++) {
        expected[i] = Float.floatToRawIntBits(gradient[i]);
        actual[i] = Float.floatToRawIntBits(out[i]);
      }
      assertArrayEquals(expected, actual, "piece " + piece);
      assertTrue(stream.detached.marked, "marked, so buffers read past are kept");
      assertEquals(0, stream.detached.closed, "held until released");
      AliasingMarshaller.release(parsed);
      AliasingMarshaller.release(parsed);
      assertEquals(1, stream.detached.closed, "released once");
    }
    assertEquals(0, AliasingMarshaller.held());
  }

  @Test
  void decodesFloatsStraddlingBuffers() {
    float[] values = {1.5f, -2.25f, Float.MIN_VALUE, Float.MAX_VALUE, -0.0f, 3e-39f, 42f};
    byte[] bytes = FloatCodec.encode(values).toByteArray();
    for (int split = 1; split < 7; split++) {
      List<ByteString> pieces = new ArrayList<>();
      for (int from = 0; from < bytes.length; from += split) {
        pieces.add(ByteString.copyFrom(bytes, from, Math.min(split, bytes.length - from)));
      }
      float[] out = new float[values.length + 2];
      assertEquals(values.length, FloatCodec.decode(ByteString.copyFrom(pieces), out, 2));
      for (int i = 0; i < values.length; i++) {
        assertEquals(Float.floatToRawIntBits(values[i]), Float.floatToRawIntBits(out[i + 2]), "split " + split);
      }
    }
  }
}
