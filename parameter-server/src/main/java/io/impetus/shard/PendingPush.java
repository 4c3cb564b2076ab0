package io.impetus.shard;

import io.grpc.stub.ServerCallStreamObserver;
import io.impetus.proto.PushHeader;
import io.impetus.proto.SliceChunk;

/** A fully received, validated gradient waiting for the update loop, with the call to answer. */
record PendingPush(WorkerSlot slot, PushHeader header, ServerCallStreamObserver<SliceChunk> reply) {}
