package io.impetus.shard.checkpoint;

import java.io.IOException;

/** A checkpoint file or manifest that cannot be trusted: torn, truncated, corrupted or of another format. */
public final class CorruptCheckpointException extends IOException {
  private static final long serialVersionUID = 1L;

  /** {@code reason} says what is wrong, e.g. {@code CRC32C mismatch (stored 1a2b3c4d, computed 0f0e0d0c)}. */
  public CorruptCheckpointException(String reason) {
    super(reason);
  }
}
