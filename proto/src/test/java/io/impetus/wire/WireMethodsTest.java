package io.impetus.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.StreamObserver;
import io.impetus.proto.InitializeChunk;
import io.impetus.proto.InitializeReply;
import io.impetus.proto.PullRequest;
import io.impetus.proto.PushChunk;
import io.impetus.proto.ShardGrpc;
import io.impetus.proto.SliceChunk;
import io.impetus.proto.SliceHeader;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How chunks are marshalled is chosen per instance, and the static members are the zero-copy instance's. */
class WireMethodsTest {
  private static final List<String> CHUNKED = List.of(
      ShardGrpc.getPushPullMethod().getFullMethodName(),
      ShardGrpc.getPullMethod().getFullMethodName(),
      ShardGrpc.getInitializeMethod().getFullMethodName());

  /** A shard service that answers nothing: only its bindings are looked at. */
  private static final class NoShard extends ShardGrpc.ShardImplBase implements WireMethods.ChunkHandlers {
    @Override
    public StreamObserver<FloatChunk<InitializeChunk>> initializeChunks(StreamObserver<InitializeReply> reply) {
      return null;
    }

    @Override
    public void pullChunks(PullRequest request, StreamObserver<FloatChunk<SliceChunk>> reply) {}

    @Override
    public StreamObserver<FloatChunk<PushChunk>> pushPullChunks(StreamObserver<FloatChunk<SliceChunk>> reply) {
      return null;
    }
  }

  @Test
  void theStaticMembersAreTheZeroCopyInstancesDescriptors() {
    WireMethods zeroCopy = WireMethods.zeroCopy();
    assertTrue(zeroCopy.isZeroCopy());
    assertFalse(WireMethods.copying().isZeroCopy());
    assertSame(zeroCopy.pushPull(), WireMethods.PUSH_PULL);
    assertSame(zeroCopy.pull(), WireMethods.PULL);
    assertSame(zeroCopy.initialize(), WireMethods.INITIALIZE);
    ServerServiceDefinition bound = WireMethods.bind(new NoShard());
    assertSame(WireMethods.PUSH_PULL.getRequestMarshaller(),
        bound.getMethod(WireMethods.PUSH_PULL.getFullMethodName()).getMethodDescriptor().getRequestMarshaller());
  }

  @Test
  void aCopyingInstanceParsesWithoutHoldingTheTransportsBuffers() {
    float[] values = ChunkMarshallerTest.floats(500, 3);
    byte[] bytes = SliceChunk.newBuilder()
        .setHeader(SliceHeader.newBuilder().setVersion(2).setLength(values.length))
        .setValues(FloatCodec.encode(values))
        .build()
        .toByteArray();
    ChunkMarshallerTest.TransportStream copied = new ChunkMarshallerTest.TransportStream(bytes, 100);
    FloatChunk<SliceChunk> parsed = WireMethods.copying().pull().getResponseMarshaller().parse(copied);
    assertNull(copied.detached, "the copying path reads the stream, it never detaches the buffers");
    assertFalse(parsed.inTransport());
    ChunkMarshallerTest.TransportStream held = new ChunkMarshallerTest.TransportStream(bytes, 100);
    FloatChunk<SliceChunk> aliased = WireMethods.zeroCopy().pull().getResponseMarshaller().parse(held);
    assertNotNull(held.detached);
    assertTrue(aliased.inTransport());
    float[] a = new float[values.length];
    float[] b = new float[values.length];
    parsed.decode(a, 0);
    aliased.decode(b, 0);
    for (int i = 0; i < values.length; i++) {
      assertEquals(Float.floatToRawIntBits(values[i]), Float.floatToRawIntBits(a[i]), "copied " + i);
      assertEquals(Float.floatToRawIntBits(values[i]), Float.floatToRawIntBits(b[i]), "aliased " + i);
    }
    parsed.release();
    aliased.release();
  }

  @Test
  void remarshallingSwapsTheChunkMarshallersAndKeepsEveryHandler() {
    ServerServiceDefinition zeroCopy = WireMethods.bind(new NoShard());
    WireMethods copying = WireMethods.copying();
    ServerServiceDefinition remarshalled = copying.remarshalled(zeroCopy);
    assertEquals(zeroCopy.getMethods().size(), remarshalled.getMethods().size());
    assertEquals(ShardGrpc.SERVICE_NAME, remarshalled.getServiceDescriptor().getName());
    for (ServerMethodDefinition<?, ?> before : zeroCopy.getMethods()) {
      String name = before.getMethodDescriptor().getFullMethodName();
      ServerMethodDefinition<?, ?> after = remarshalled.getMethod(name);
      assertSame(before.getServerCallHandler(), after.getServerCallHandler(), name);
      if (!CHUNKED.contains(name)) {
        assertSame(before, after, name + " is not a float-carrying method: left as it was");
      }
    }
    assertSame(copying.pushPull().getRequestMarshaller(),
        remarshalled.getMethod(copying.pushPull().getFullMethodName()).getMethodDescriptor().getRequestMarshaller());
    assertSame(copying.pull().getResponseMarshaller(),
        remarshalled.getMethod(copying.pull().getFullMethodName()).getMethodDescriptor().getResponseMarshaller());
    assertSame(copying.initialize().getRequestMarshaller(),
        remarshalled.getMethod(copying.initialize().getFullMethodName()).getMethodDescriptor().getRequestMarshaller());
  }
}
