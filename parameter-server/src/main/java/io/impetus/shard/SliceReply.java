package io.impetus.shard;

import io.impetus.proto.SliceHeader;

/**
 * Where the shard's answer to a push or a pull goes: the fresh slice with its header, or a refusal.
 * This is the only way the core answers, so it never learns whether the slice travels back as gRPC
 * chunks or through the worker's shared-memory segment.
 *
 * <p>Contract: the shard calls exactly one of {@link #slice} and {@link #fail}, once, from its update
 * loop (so the answers to one worker leave one at a time, in the order the shard processed them).
 * An implementation must not block and must not throw when its caller has gone away; it drops the
 * answer instead (the update stands, nobody is left to tell).
 */
public interface SliceReply {
  /** Whether nobody waits for the answer any more (the call was cancelled, the connection closed). */
  boolean isCancelled();

  /**
   * The answer: {@code params} is the shard's slice, described by {@code header} (version, length and,
   * for a push, its staleness, step lag and whether it was dropped). {@code params} is the shard's own
   * array: read it before returning, never keep it, never write it.
   */
  void slice(SliceHeader header, float[] params);

  /** The request was refused with {@code error}. */
  void fail(ShardException error);
}
