package io.impetus.shard.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.Metadata;
import io.impetus.proto.JoinReply;
import io.impetus.proto.StatusReply;
import io.impetus.proto.WorkerStatus;
import io.impetus.shard.fuzz.Attack.Timing;
import io.impetus.shard.fuzz.ChunkStream.Variation;
import io.impetus.shard.fuzz.Fixture.Consistency;
import io.impetus.shard.fuzz.Fixture.Guard;
import io.impetus.shard.fuzz.Fixture.SliceAnswer;
import io.impetus.shard.fuzz.Fixture.Transport;
import io.impetus.shard.fuzz.Fixture.View;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tuple;

/**
 * The shard fuzzer (issue 17): a real shard server, a legitimate worker, and an attacker that
 * interleaves well-formed and malformed calls to every method, with raw bytes below protobuf, with
 * every kind of credentials, sequentially, racing the worker's pushes, or held open across them.
 *
 * <p>After every step, and at the end of every case:
 *
 * <ul>
 *   <li>the shard is alive (it answers Status);
 *   <li>every call ended with a defined status ({@link Verdicts}: never UNKNOWN or INTERNAL, never a
 *       hang, since every call has a deadline);
 *   <li>nothing but the legitimate worker's valid pushes changed the shard: its parameters (Pull),
 *       version, counters of applied updates and record of the legitimate worker (Status) are those
 *       of a twin shard that only the legitimate worker talks to, bit for bit;
 *   <li>the legitimate worker's pushes still apply, with the twin's answer.
 * </ul>
 *
 * <p>Each case draws how the shards are guarded ({@link Guard}: session keys alone; fresh shards told
 * the legitimate worker's layout, which the attacker calls first; a bearer token the attacker does not
 * have, so that every one of its calls must be UNAUTHENTICATED) and their consistency mode ({@link
 * Consistency}).
 *
 * <p>{@code mvn verify} runs a short round (jqwik.tries.default in junit-platform.properties); the
 * {@code fuzz} profile of this module runs the long one (docs/security.md, section Fuzzing).
 */
class ShardFuzzTest {

  /** One step of a case: the legitimate worker pushes, or the attacker calls. */
  sealed interface Step permits LegitPush, Attacked {}

  /** A valid push of the legitimate worker, in a form a correct shard must take (see {@link Variation}). */
  record LegitPush(Set<Variation> variations, long knob) implements Step {
    float[] gradient() {
      float[] g = new float[Fixture.SLICE];
      for (int i = 0; i < g.length; i++) {
        g[i] = (((knob >>> (2 * i)) & 0x3f) - 32) / 64f;
      }
      return g;
    }
  }

  /** An attacker's call. */
  record Attacked(Attack attack) implements Step {}

  @Property(shrinking = ShrinkingMode.BOUNDED)
  void onlyTheLegitimateWorkersPushesChangeTheShard(
      @ForAll("transports") Transport transport, @ForAll("guards") Guard guard, @ForAll Consistency consistency,
      @ForAll("firstCalls") List<Attack> firstCalls, @ForAll PresentedToken token, @ForAll("steps") List<Step> steps)
      throws Exception {
    try (Fixture f = Fixture.start(transport, guard, consistency)) {
      if (guard == Guard.EXPECTED_LAYOUT) {
        firstToJoin(f, firstCalls);
      }
      List<RawCall> held = new ArrayList<>();
      List<Attack> heldAttacks = new ArrayList<>();
      for (Step step : steps) {
        if (step instanceof LegitPush push) {
          legitPush(f, push, () -> {});
        } else if (step instanceof Attacked attacked) {
          Attack a = attacked.attack();
          switch (a.timing()) {
            case SEQUENTIAL -> judge(f, a, Fixture.await(start(f, a, token)), false);
            case RACING -> {
              RawCall[] racing = new RawCall[1];
              legitPush(f, new LegitPush(Set.of(), steps.size()), () -> racing[0] = start(f, a, token));
              judge(f, a, Fixture.await(racing[0]), false);
            }
            case HELD -> {
              held.add(start(f, a, token));
              heldAttacks.add(a);
            }
          }
        }
        sameAsTwin(f, step);
      }
      for (int k = 0; k < held.size(); k++) {
        held.get(k).cancel();
        judge(f, heldAttacks.get(k), Fixture.await(held.get(k)), true);
      }
      legitPush(f, new LegitPush(Set.of(), 0x5eed), () -> {});
      sameAsTwin(f, "the end");
      StatusReply end = f.targetStatus();
      assertTrue(end.getInitialized(), "the shard is alive and still initialized");
      assertEquals(consistency.mode().cliName(), end.getMode(), "the shard's consistency mode");
    }
  }

  /**
   * The attacker is first at a fresh shard told the legitimate worker's layout: whatever it calls,
   * nobody joins (no join describes that layout) and the shard stays as fresh as its twin; then the
   * legitimate worker joins and initializes both.
   */
  private static void firstToJoin(Fixture f, List<Attack> calls) throws Exception {
    for (Attack a : calls) {
      RawCall.Outcome outcome = Fixture.await(start(f, a, PresentedToken.NONE));
      judge(f, a, outcome, false);
      if (a.kind() == Attack.Kind.JOIN) {
        assertFalse(outcome.status().isOk(), () -> "a fresh shard took a join of another layout: " + a);
      }
      StatusReply target = f.targetStatus();
      assertEquals(watched(f.twinStatus()), watched(target), () -> "status of the fresh shard after " + a);
      assertFalse(target.getInitialized(), () -> "the fresh shard is initialized after " + a);
    }
    f.legitJoinAndInitialize();
    sameAsTwin(f, "the legitimate worker's join");
  }

  /**
   * Starts {@code a} on a connection of its own, presenting the live session key its credentials name
   * and, to a shard that requires a bearer token, {@code token} (never the right one).
   */
  private static RawCall start(Fixture f, Attack a, PresentedToken token) {
    Credentials c = a.credentials();
    Metadata metadata = c.metadata(a.workerId());
    if (f.guard() == Guard.TOKEN) {
      metadata = token.onto(metadata);
    }
    return RawCall.start(f.attackerChannel(), a.kind().fullName(), a.kind().type, metadata,
        c.present(a.messages(), f.keys().of(c, a.workerId())), a.halfCloses(), Fixture.DEADLINE_MILLIS);
  }

  /** Checks how {@code a} ended; a join the shard took gives the attacker that id's key, for its later calls. */
  private static void judge(Fixture f, Attack a, RawCall.Outcome outcome, boolean cancelledByFuzzer)
      throws InvalidProtocolBufferException {
    assertNull(f.guard() == Guard.TOKEN ? Verdicts.problemWithoutToken(a, outcome, cancelledByFuzzer)
        : Verdicts.problem(a, outcome, cancelledByFuzzer), () -> "attack " + a);
    if (a.kind() == Attack.Kind.JOIN && outcome.status().isOk() && outcome.replies().size() == 1) {
      f.keys().attackerJoined(a.workerId(), JoinReply.parseFrom(outcome.replies().get(0)).getSessionKey());
    }
  }

  private static void legitPush(Fixture f, LegitPush push, Runnable meanwhile) throws Exception {
    SliceAnswer[] answers = f.legitPush(push.gradient(), push.variations(), push.knob(), meanwhile);
    SliceAnswer target = answers[0];
    SliceAnswer twin = answers[1];
    assertTrue(twin.status().isOk(), () -> "the twin refused a legitimate push " + push + ": " + twin.status());
    assertTrue(target.status().isOk(), () -> "the shard refused a legitimate push " + push + ": " + target.status());
    assertEquals(twin.header(), target.header(), () -> "answer header of the legitimate push " + push);
    assertEquals(twin.values(), target.values(), () -> "answer values of the legitimate push " + push);
  }

  private static void sameAsTwin(Fixture f, Object after) throws Exception {
    View twin = f.twinView();
    View target = f.targetView();
    assertEquals(twin.params(), target.params(), () -> "parameters after " + after);
    assertEquals(watched(twin.status()), watched(target.status()), () -> "status after " + after);
  }

  /**
   * What the invariant watches of a status: all that only updates change, and the legitimate worker's
   * record. Not watched: refusal counters (refusing is their job), repeats answered without applying
   * them, timings, and the attacker's own ids.
   */
  private static StatusReply watched(StatusReply s) {
    StatusReply.Builder b = StatusReply.newBuilder().setInitialized(s.getInitialized()).setVersion(s.getVersion())
        .setNumParams(s.getNumParams()).setRangeStart(s.getRangeStart()).setRangeEnd(s.getRangeEnd())
        .setCurrentLr(s.getCurrentLr()).setStaleness(s.getStaleness()).setStepLag(s.getStepLag())
        .setEffectiveMomentum(s.getEffectiveMomentum()).setPushesApplied(s.getPushesApplied())
        .setMode(s.getMode()).setOptimizer(s.getOptimizer());
    for (WorkerStatus w : s.getWorkersList()) {
      if (w.getWorkerId() == Fixture.LEGIT_WORKER) {
        b.addWorkers(w);
      }
    }
    return b.build();
  }

  @Provide
  Arbitrary<Transport> transports() {
    return Arbitraries.of(Transport.class);
  }

  /** Most cases guard the shard with session keys alone; a quarter each start it fresh or behind a token. */
  @Provide
  Arbitrary<Guard> guards() {
    return Arbitraries.frequencyOf(Tuple.of(2, Arbitraries.just(Guard.NONE)),
        Tuple.of(1, Arbitraries.just(Guard.EXPECTED_LAYOUT)), Tuple.of(1, Arbitraries.just(Guard.TOKEN)));
  }

  @Provide
  Arbitrary<List<Attack>> firstCalls() {
    return Attacks.firstCalls().list().ofMinSize(1).ofMaxSize(6);
  }

  @Provide
  Arbitrary<List<Step>> steps() {
    Arbitrary<Step> legit = Combinators.combine(Arbitraries.of(Variation.class).set().ofMaxSize(3), Arbitraries.longs())
        .as(LegitPush::new);
    Arbitrary<Step> attack = Attacks.any().map(Attacked::new);
    return Arbitraries.frequencyOf(Tuple.of(1, legit), Tuple.of(3, attack)).list().ofMinSize(1).ofMaxSize(12);
  }
}
