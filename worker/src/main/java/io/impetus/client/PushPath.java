package io.impetus.client;

import io.impetus.proto.PushHeader;
import java.util.concurrent.CompletableFuture;

/**
 * How one link's pushes reach its shard and the fresh slice comes back, chosen when the link joins:
 * the grpc path ({@link GrpcPath}: floats in gRPC messages) or the shm path ({@link ShmPath}: floats
 * in a shared-memory segment, the header on a header stream or on the shard's doorbell). A path
 * carries one push at a time; the link's caller waits for a push's future before the next push.
 */
interface PushPath {
  /**
   * Pushes {@code gradient}'s slice at the link's range with {@code header}, and receives the fresh
   * slice into {@code params} at the same range. {@code gradient} may be reused as soon as this
   * returns; {@code params} is written until the future completes. The future fails UNAVAILABLE when
   * the path ended (the shard went away): joining again sets up a new one.
   */
  CompletableFuture<SliceReceiver.Received> push(PushHeader header, float[] gradient, float[] params);

  /**
   * The path's name in reports: {@code grpc} ({@code grpc-bf16} with bfloat16 floats), {@code
   * shm-stream} or {@code shm-doorbell}.
   */
  String dataPlane();

  /** Ends the path from this side (a new join replaces it, or the client closes); a push in flight fails. */
  void close();
}
