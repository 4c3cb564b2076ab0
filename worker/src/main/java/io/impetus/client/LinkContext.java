package io.impetus.client;

import io.impetus.wire.WireMethods;
import java.util.concurrent.Executor;

/**
 * What every {@link ShardLink} of one client shares: the worker's id, the transport it asked for,
 * how chunks are marshalled ({@code wire}) and encoded ({@code writer}) on its channels and how many
 * bits a float takes on the grpc path ({@code precision}), how shm paths are set up, and the client's
 * background thread (file and socket work, off the transport's threads). {@code session} is a random
 * number the client picks once and sends with every Join, so that a shard knows a rejoin of this
 * client from a restarted worker and keeps recognising its repeated pushes. {@code deadlines} bounds
 * every call.
 */
record LinkContext(int workerId, long session, Transport transport, WireMethods wire, ChunkWriter writer,
    WirePrecision precision,
    ShmPathSetup shm, Executor background, CallDeadlines deadlines) {}
