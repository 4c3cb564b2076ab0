package io.impetus.client;

import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import io.impetus.proto.PushChunk;
import io.impetus.proto.PushHeader;
import io.impetus.proto.ShardGrpc;
import io.impetus.wire.FloatChunk;
import io.impetus.wire.WireMethods;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The grpc path: each push is one PushPull call whose gradient chunks go up and whose slice chunks
 * come back in gRPC messages, the header in the first chunk. Floats go from the gradient into the
 * transport ({@link ChunkWriter}) and from the transport into {@code params} ({@link SliceReceiver})
 * with the chunk marshalling of {@code wire}, each way in {@code precision} (which every push's
 * header declares, asking the shard to answer in it too). The path between hosts, and the fallback
 * wherever shared memory is not possible. It holds no connection of its own: ending it ends nothing.
 */
final class GrpcPath implements PushPath {
  private final int shard;
  private final ShardGrpc.ShardStub stub;
  private final WireMethods wire;
  private final ChunkWriter writer;
  private final WirePrecision precision;
  private final int start;
  private final int length;
  /** The encoded gradient on channels that may serialize a message again, reused every push; else null. */
  private final byte[] buffer;

  /** The deadline of each push-pull call, in milliseconds (asked at each push: it follows the shard's lease). */
  private final LongSupplier deadlineMillis;

  /**
   * The path to {@code shard}, whose range of the flat vector is [start, start + length); each push
   * must be answered within {@code deadlineMillis}.
   */
  GrpcPath(int shard, ShardGrpc.ShardStub stub, WireMethods wire, ChunkWriter writer, WirePrecision precision,
      int start, int length, LongSupplier deadlineMillis) {
    this.deadlineMillis = deadlineMillis;
    this.shard = shard;
    this.stub = stub;
    this.wire = wire;
    this.writer = writer;
    this.precision = precision;
    this.start = start;
    this.length = length;
    this.buffer = writer.newBuffer(length);
  }

  @Override
  public CompletableFuture<SliceReceiver.Received> push(PushHeader header, float[] gradient, float[] params) {
    SliceReceiver receiver = new SliceReceiver(params, start, length, shard);
    StreamObserver<FloatChunk<PushChunk>> out = ClientCalls.asyncBidiStreamingCall(
        stub.getChannel().newCall(wire.pushPull(),
            stub.getCallOptions().withDeadlineAfter(deadlineMillis.getAsLong(), TimeUnit.MILLISECONDS)),
        WireMethods.releasing(receiver));
    PushHeader declared = precision == WirePrecision.FP32 ? header
        : header.toBuilder().setEncoding(precision.encoding()).setReplyEncoding(precision.encoding()).build();
    writer.write(out, (index, offset) -> {
      PushChunk.Builder fields = PushChunk.newBuilder().setOffset(offset);
      return index == 0 ? fields.setHeader(declared).build() : fields.build();
    }, gradient, start, length, buffer, precision.encoding());
    return receiver.result();
  }

  @Override
  public String dataPlane() {
    return precision == WirePrecision.FP32 ? "grpc" : "grpc-" + precision.cliName();
  }

  @Override
  public void close() {
    // Each push is its own call, which ends with its reply: nothing stays open between pushes.
  }
}
