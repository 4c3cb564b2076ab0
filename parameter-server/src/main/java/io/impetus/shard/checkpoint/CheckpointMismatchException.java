package io.impetus.shard.checkpoint;

/**
 * A checkpoint folder holds a checkpoint of another layout or optimizer than the shard was started
 * with: the shard refuses to start rather than serve state that is not its own. The message is one
 * line naming both sides.
 */
public final class CheckpointMismatchException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  /** {@code message}: one line naming the checkpoint's layout and the shard's. */
  public CheckpointMismatchException(String message) {
    super(message);
  }
}
