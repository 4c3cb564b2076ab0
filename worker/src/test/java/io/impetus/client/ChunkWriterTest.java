package io.impetus.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.grpc.MethodDescriptor;
import io.grpc.stub.StreamObserver;
import io.impetus.proto.PushChunk;
import io.impetus.wire.FloatChunk;
import io.impetus.wire.FloatCodec;
import io.impetus.wire.WireMethods;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A range of floats goes out as chunks of at most {@link FloatCodec#MAX_CHUNK_FLOATS}, each with the
 * fields made for its index and offset. On a channel that serializes once, chunks are encoded from
 * the caller's array while they are sent and are released before {@code write} returns; on any
 * other, they are encoded before they are sent, so the caller may change the array at once.
 */
class ChunkWriterTest {
  private static final MethodDescriptor.Marshaller<FloatChunk<PushChunk>> WIRE =
      WireMethods.zeroCopy().pushPull().getRequestMarshaller();
  /** Two full chunks and a bit, starting 3 floats into the array. */
  private static final int START = 3;
  private static final int LENGTH = 2 * FloatCodec.MAX_CHUNK_FLOATS + 5;

  /** Serializes every chunk as it arrives (as gRPC would), and keeps the chunks and their messages. */
  private static final class Recorder implements StreamObserver<FloatChunk<PushChunk>> {
    final List<FloatChunk<PushChunk>> chunks = new ArrayList<>();
    final List<PushChunk> sentNow = new ArrayList<>();
    int completed;

    @Override
    public void onNext(FloatChunk<PushChunk> chunk) {
      chunks.add(chunk);
      sentNow.add(parse(chunk));
    }

    @Override
    public void onError(Throwable t) {
      throw new AssertionError(t);
    }

    @Override
    public void onCompleted() {
      completed++;
    }
  }

  private static PushChunk parse(FloatChunk<PushChunk> chunk) {
    try (InputStream in = WIRE.stream(chunk)) {
      return PushChunk.parseFrom(in);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static float[] values() {
    float[] v = new float[START + LENGTH + 2];
    for (int i = 0; i < v.length; i++) {
      v[i] = i * 0.5f;
    }
    return v;
  }

  private static float[] decoded(PushChunk message) {
    float[] out = new float[FloatCodec.floatCount(message.getGradient())];
    FloatCodec.decode(message.getGradient(), out, 0);
    return out;
  }

  @Test
  void theRangeGoesOutInChunksWithTheFieldsOfEachIndexThenTheCallCompletes() {
    for (boolean serializesOnce : new boolean[] {true, false}) {
      ChunkWriter writer = new ChunkWriter(serializesOnce);
      float[] values = values();
      Recorder out = new Recorder();
      writer.write(out, (index, offset) -> PushChunk.newBuilder().setOffset(offset + 1000L * index).build(),
          values, START, LENGTH, writer.newBuffer(LENGTH));
      assertEquals(1, out.completed);
      assertEquals(3, out.sentNow.size());
      int offset = 0;
      for (int c = 0; c < 3; c++) {
        PushChunk sent = out.sentNow.get(c);
        assertEquals(offset + 1000L * c, sent.getOffset(), "serializes once " + serializesOnce + ", chunk " + c);
        float[] floats = decoded(sent);
        assertArrayEquals(Arrays.copyOfRange(values, START + offset, START + offset + floats.length), floats);
        offset += floats.length;
      }
      assertEquals(LENGTH, offset, "the chunks cover the range exactly");
    }
  }

  @Test
  void onAChannelThatSerializesOnceChunksNeedNoBufferAndAreReleasedWhenWriteReturns() {
    ChunkWriter writer = new ChunkWriter(true);
    assertNull(writer.newBuffer(LENGTH));
    Recorder out = new Recorder();
    writer.write(out, (index, offset) -> PushChunk.newBuilder().setOffset(offset).build(), values(), START, LENGTH, null);
    for (FloatChunk<PushChunk> chunk : out.chunks) {
      assertThrows(IllegalStateException.class, () -> WIRE.stream(chunk), "released: the array is the caller's again");
    }
  }

  @Test
  void onOtherChannelsChunksAreEncodedBeforeTheyAreSentSoTheArrayMayChangeAtOnce() {
    ChunkWriter writer = new ChunkWriter(false);
    byte[] buffer = writer.newBuffer(LENGTH);
    assertNotNull(buffer);
    assertEquals(LENGTH * FloatCodec.BYTES, buffer.length);
    float[] values = values();
    float[] before = values.clone();
    Recorder out = new Recorder();
    writer.write(out, (index, offset) -> PushChunk.newBuilder().setOffset(offset).build(), values, START, LENGTH, buffer);
    Arrays.fill(values, Float.NaN); // the caller's next step
    List<PushChunk> serializedLater = out.chunks.stream().map(ChunkWriterTest::parse).toList();
    assertEquals(out.sentNow, serializedLater, "a retry sends what was sent the first time");
    for (int c = 0; c < serializedLater.size(); c++) {
      int from = c * FloatCodec.MAX_CHUNK_FLOATS;
      float[] floats = decoded(serializedLater.get(c));
      assertArrayEquals(Arrays.copyOfRange(before, START + from, START + from + floats.length), floats, "chunk " + c);
    }
  }
}
