package io.impetus.shard;

import io.impetus.proto.PushHeader;

/**
 * A validated gradient on its way through the shard: whose it is (the gradient itself is in the
 * worker's {@link WorkerSlot#gradient} buffer), its header, and where its answer goes. Once the update
 * loop has processed it, {@code staleness} and {@code stepLag} hold what was measured and {@code
 * dropped} whether the gradient was refused. Update loop only.
 */
final class PendingPush {
  final WorkerSlot slot;
  final PushHeader header;
  final SliceReply reply;
  long staleness;
  long stepLag;
  boolean dropped;

  PendingPush(WorkerSlot slot, PushHeader header, SliceReply reply) {
    this.slot = slot;
    this.header = header;
    this.reply = reply;
  }
}
