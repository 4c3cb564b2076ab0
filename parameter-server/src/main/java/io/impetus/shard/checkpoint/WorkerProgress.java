package io.impetus.shard.checkpoint;

/**
 * One worker as a checkpoint remembers it.
 *
 * @param clock the next step it will push (bounded staleness compares these), or -1 if it never joined
 * @param lastStep the last step of its that the shard processed, or -1: a push of a step up to it is
 *     a repeat, as long as it comes from the same session
 * @param session the session its process joined with (0: none)
 */
public record WorkerProgress(long clock, long lastStep, long session) {
  /** A worker that never joined. */
  public static final WorkerProgress NONE = new WorkerProgress(-1, -1, 0);
}
