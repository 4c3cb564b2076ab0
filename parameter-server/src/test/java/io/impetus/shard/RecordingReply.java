package io.impetus.shard;

import io.impetus.proto.SliceHeader;

/** A {@link SliceReply} for tests of the core: it keeps what it was answered (a copy of the slice). */
final class RecordingReply implements SliceReply {
  boolean cancelled;
  SliceHeader header;
  float[] values;
  ShardException error;
  int answers;

  @Override
  public boolean isCancelled() {
    return cancelled;
  }

  @Override
  public void slice(SliceHeader header, float[] params) {
    this.header = header;
    this.values = params.clone();
    answers++;
  }

  @Override
  public void fail(ShardException error) {
    this.error = error;
    answers++;
  }

  boolean answered() {
    return answers > 0;
  }
}
