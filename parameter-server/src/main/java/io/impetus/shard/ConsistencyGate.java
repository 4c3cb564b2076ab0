package io.impetus.shard;

import io.impetus.proto.StatusReply;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * When a processed push is answered, by consistency mode:
 *
 * <ul>
 *   <li>{@code async}: at once.
 *   <li>{@code ssp} with bound s: once its worker is at most s steps ahead of the slowest live worker
 *       ({@link Membership#lead}); until then its reply is parked.
 *   <li>{@code sync}: gradients computed from the current version gather in a round, one per worker;
 *       the round closes once it holds one gradient per live worker less the b backup workers (at
 *       least one), and then all of its pushes are answered together.
 * </ul>
 *
 * <p>The gate only holds pushes and says which may leave; the shard applies gradients and sends the
 * answers. A parked push is remembered in its worker's {@link WorkerSlot#waiting}, which is also what
 * keeps a worker blocked on a barrier from being taken for silent. It counts the replies it parked and
 * the largest lead any reply left with. Update loop only.
 */
final class ConsistencyGate {
  private final ConsistencyMode mode;
  /** The lead beyond which an ssp reply is parked: s for ssp, none for async. */
  private final long replyBound;
  private final int backupWorkers;
  private final Membership members;
  /** Sync: the gradients of the current step, by worker id (so that averaging order is fixed). */
  private final TreeMap<Integer, PendingPush> round = new TreeMap<>();
  private long parkedReplies;
  private long maxReplyLead;

  ConsistencyGate(ConsistencyMode mode, long stalenessBound, int backupWorkers, Membership members) {
    this.mode = mode;
    this.replyBound = mode == ConsistencyMode.SSP ? stalenessBound : Long.MAX_VALUE;
    this.backupWorkers = backupWorkers;
    this.members = members;
  }

  /** Whether gradients gather in rounds (sync) rather than being applied on arrival (async, ssp). */
  boolean collectsRounds() {
    return mode == ConsistencyMode.SYNC;
  }

  /** Gradients that close a sync round: one per live worker, less the backups, at least one. */
  int roundSize() {
    return Math.max(1, members.live() - backupWorkers);
  }

  /** Sync: adds {@code push} to the current round, where it waits until {@link #takeFullRound}. */
  void collect(PendingPush push) {
    round.put(push.slot.workerId, push);
    push.slot.waiting = push;
    if (round.size() < roundSize()) {
      parkedReplies++;
    }
  }

  /**
   * Sync: the current round's pushes in worker-id order, once it holds {@link #roundSize} of them (a new
   * round then begins); otherwise none.
   */
  List<PendingPush> takeFullRound() {
    if (round.isEmpty() || round.size() < roundSize()) {
      return List.of();
    }
    List<PendingPush> full = new ArrayList<>(round.values());
    round.clear();
    for (PendingPush p : full) {
      p.slot.waiting = null;
    }
    return full;
  }

  /** Async and ssp: holds the reply of an applied push until {@link #releaseWithinBound} lets it go. */
  void park(PendingPush push) {
    push.slot.waiting = push;
    long lead = members.lead(push.slot);
    if (lead > 0 && lead > replyBound) {
      parkedReplies++;
    }
  }

  /**
   * Async and ssp: hands every parked push whose worker is now within the bound to {@code answer}
   * (after {@link #release}). Sync parks nothing here.
   */
  void releaseWithinBound(Consumer<PendingPush> answer) {
    if (collectsRounds()) {
      return;
    }
    for (WorkerSlot slot : members.slots()) {
      PendingPush push = slot.waiting;
      if (push != null && members.lead(slot) <= replyBound) {
        release(push);
        answer.accept(push);
      }
    }
  }

  /** Lets {@code push}'s reply leave now, recording its worker's lead as it leaves. */
  void release(PendingPush push) {
    WorkerSlot slot = push.slot;
    long lead = members.lead(slot);
    slot.maxLead = Math.max(slot.maxLead, lead);
    maxReplyLead = Math.max(maxReplyLead, lead);
    slot.waiting = null;
  }

  /** Adds what the gate held back to a status: replies parked, and the largest lead a reply left with. */
  void report(StatusReply.Builder status) {
    status.setParkedReplies(parkedReplies).setMaxReplyLead(maxReplyLead);
  }

  /** Replies that had to wait: for an ssp bound, or for the rest of a sync round. */
  long parkedReplies() {
    return parkedReplies;
  }

  /** The largest lead over the slowest live worker that any reply left with. */
  long maxReplyLead() {
    return maxReplyLead;
  }
}
