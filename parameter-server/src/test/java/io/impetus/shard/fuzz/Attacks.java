package io.impetus.shard.fuzz;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.WireFormat;
import io.impetus.proto.AttachSegmentRequest;
import io.impetus.proto.FloatEncoding;
import io.impetus.proto.HeartbeatRequest;
import io.impetus.proto.InitializeChunk;
import io.impetus.proto.JoinRequest;
import io.impetus.proto.Layout;
import io.impetus.proto.LeaveRequest;
import io.impetus.proto.PullRequest;
import io.impetus.proto.PushHeader;
import io.impetus.proto.StatusRequest;
import io.impetus.shard.fuzz.Attack.Kind;
import io.impetus.shard.fuzz.Attack.Timing;
import io.impetus.shard.fuzz.ChunkStream.Defect;
import io.impetus.shard.fuzz.ChunkStream.Variation;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * The attacker's calls, as jqwik generators: well-formed and malformed requests to every Shard method,
 * naming the legitimate worker, the attacker's own ids or ids the shard does not know, with each
 * {@link Credentials}. Every generated push is wrong in at least one way ({@link Defect} or {@link
 * HeaderDefect}), so none of them may change the shard; the other calls change nothing the invariant
 * watches whatever they carry (joins and leaves of the attacker's own ids aside, which it does not
 * watch).
 */
final class Attacks {
  private Attacks() {}

  /** What a push header can get wrong. */
  enum HeaderDefect {
    WRONG_LENGTH, UNKNOWN_ENCODING, BAD_READ_VERSION, UNKNOWN_WORKER
  }

  /** How the bytes of a unary request are spoiled (NONE: they are not). */
  enum Spoil {
    NONE, TRUNCATED, UNKNOWN_FIELD, GARBAGE_TAIL, WRONG_WIRE_TYPE, NO_MESSAGE, TWO_MESSAGES, EMPTY_MESSAGE
  }

  /** Any attack, the kinds weighted towards the ones with most to get wrong. */
  static Arbitrary<Attack> any() {
    return Arbitraries.frequencyOf(
            Tuple.of(5, pushes()), Tuple.of(2, initializes()), Tuple.of(2, joins()), Tuple.of(1, pulls()), Tuple.of(1, leaves()),
            Tuple.of(1, heartbeats()), Tuple.of(1, attaches()), Tuple.of(1, statuses()), Tuple.of(2, sharedStreams()),
            Tuple.of(2, raw()))
        .filter(LegitimateCalls::isAttack);
  }

  /**
   * The attacker's calls to a fresh shard told the legitimate worker's layout, sent and awaited one by
   * one: any attack but a join that describes that layout (which the shard rightly takes: the layout
   * is all it knows of a worker before its join).
   */
  static Arbitrary<Attack> firstCalls() {
    return any().filter(a -> !joinsWithTheLayout(a)).map(a -> a.timing() == Timing.SEQUENTIAL ? a
        : new Attack(a.kind(), a.workerId(), a.credentials(), a.messages(), Timing.SEQUENTIAL, a.what()));
  }

  /** Whether one of {@code a}'s messages is a join the shard parses into the legitimate worker's layout. */
  private static boolean joinsWithTheLayout(Attack a) {
    if (a.kind() != Kind.JOIN) {
      return false;
    }
    for (byte[] m : a.messages()) {
      try {
        if (LegitimateCalls.sameModel(JoinRequest.parseFrom(m).getLayout())) {
          return true;
        }
      } catch (InvalidProtocolBufferException unparseable) {
        // the shard refuses it
      }
    }
    return false;
  }

  /** Whom a call names: the legitimate worker, one of the attacker's ids, or an id outside the shard's range. */
  static Arbitrary<Integer> workerIds() {
    List<Integer> attackerIds = new ArrayList<>();
    for (int id = 0; id < Fixture.WORKERS; id++) {
      if (id != Fixture.LEGIT_WORKER) {
        attackerIds.add(id);
      }
    }
    return Arbitraries.frequencyOf(
        Tuple.of(4, Arbitraries.just(Fixture.LEGIT_WORKER)),
        Tuple.of(4, Arbitraries.of(attackerIds)),
        Tuple.of(2, Arbitraries.of(Fixture.WORKERS, -1, 1000, Integer.MAX_VALUE, Integer.MIN_VALUE)));
  }

  static Arbitrary<Credentials> credentials() {
    return Arbitraries.of(Credentials.class);
  }

  static Arbitrary<Timing> timings() {
    return Arbitraries.frequencyOf(
        Tuple.of(6, Arbitraries.just(Timing.SEQUENTIAL)),
        Tuple.of(2, Arbitraries.just(Timing.RACING)),
        Tuple.of(1, Arbitraries.just(Timing.HELD)));
  }

  private static Arbitrary<Long> knobs() {
    return Arbitraries.longs();
  }

  /** Pushes, each wrong in one to four ways, with variations a correct shard takes in its stride. */
  static Arbitrary<Attack> pushes() {
    Arbitrary<Set<Defect>> defects = Arbitraries.of(Defect.class).set().ofMaxSize(3);
    Arbitrary<Set<HeaderDefect>> headerDefects = Arbitraries.of(HeaderDefect.class).set().ofMaxSize(2);
    Arbitrary<Set<Variation>> variations = Arbitraries.of(Variation.class).set().ofMaxSize(3);
    Arbitrary<Long> steps = Arbitraries.oneOf(Arbitraries.of(Long.MIN_VALUE, -1L, 0L, Long.MAX_VALUE),
        Arbitraries.longs().between(1, 1000));
    return Combinators.combine(workerIds(), credentials(), defects, headerDefects, variations, steps, knobs(),
            timings())
        .filter((id, creds, d, hd, v, step, knob, timing) -> !d.isEmpty() || !hd.isEmpty())
        .as(Attacks::push);
  }

  private static Attack push(int id, Credentials creds, Set<Defect> defects, Set<HeaderDefect> headerDefects,
      Set<Variation> variations, long step, long knob, Timing timing) {
    FloatEncoding encoding = variations.contains(Variation.BF16) ? FloatEncoding.BF16 : FloatEncoding.FP32;
    PushHeader.Builder header = PushHeader.newBuilder().setWorkerId(id).setReadVersion(0).setWorkerStep(step)
        .setLength(Fixture.SLICE).setLoss(0.5f).setBatchSize(4).setEncoding(encoding)
        .setReplyEncoding(variations.contains(Variation.REPLY_BF16) ? FloatEncoding.BF16 : FloatEncoding.FP32);
    if (headerDefects.contains(HeaderDefect.WRONG_LENGTH)) {
      header.setLength(pick(knob, 0L, -1L, Fixture.SLICE - 1L, Fixture.SLICE + 1L, Long.MAX_VALUE, Long.MIN_VALUE,
          1L << 31, 1L << 40));
    }
    if (headerDefects.contains(HeaderDefect.UNKNOWN_ENCODING)) {
      int bad = pick(knob >>> 8, 2, 99, -1, Integer.MAX_VALUE);
      if ((knob & 1) == 0) {
        header.setEncodingValue(bad);
      } else {
        header.setReplyEncodingValue(bad);
      }
    }
    if (headerDefects.contains(HeaderDefect.BAD_READ_VERSION)) {
      header.setReadVersion(pick(knob >>> 16, -1L, Long.MIN_VALUE, Long.MAX_VALUE, 1L << 40));
    }
    if (headerDefects.contains(HeaderDefect.UNKNOWN_WORKER)) {
      id = pick(knob >>> 24, Fixture.WORKERS, -1, Integer.MIN_VALUE, Integer.MAX_VALUE);
      header.setWorkerId(id);
    }
    PushHeader stamped = creds.stamp(header.build(), id);
    byte[] headerBytes = stamped.toByteArray();
    if (variations.contains(Variation.UNKNOWN_FIELDS)) {
      headerBytes = new ProtoBytes().raw(headerBytes).varint(99, knob).toByteArray();
    }
    float[] values = new float[Fixture.SLICE];
    for (int i = 0; i < values.length; i++) {
      values[i] = ((knob >>> (i % 32)) & 0xff) / 256f - 0.5f;
    }
    List<byte[]> messages = new ChunkStream(new ProtoBytes().bytes(ChunkStream.LEAD_FIELD, headerBytes).toByteArray(),
        values, encoding, variations, knob).with(defects).messages();
    return new Attack(Kind.PUSH, id, creds, messages, timing,
        "defects " + defects + " " + headerDefects + ", variations " + variations + ", step " + step);
  }

  /** Initializations of the (already initialized) shard, well-formed or not, with ordinary and extreme values. */
  static Arbitrary<Attack> initializes() {
    Arbitrary<Set<Defect>> defects = Arbitraries.of(Defect.class).set().ofMaxSize(2);
    Arbitrary<Set<Variation>> variations = Arbitraries.of(Variation.SPLIT, Variation.UNKNOWN_FIELDS,
        Variation.PAYLOAD_FIRST, Variation.EMPTY_CHUNK).set().ofMaxSize(2);
    Arbitrary<Float> magnitudes = Arbitraries.of(1f, 1e30f, Float.MAX_VALUE, Float.MIN_VALUE);
    return Combinators.combine(workerIds(), credentials(), defects, variations, magnitudes, knobs(), timings())
        .as((id, creds, d, v, magnitude, knob, timing) -> {
          float[] values = new float[Fixture.SLICE];
          for (int i = 0; i < values.length; i++) {
            values[i] = magnitude * (i % 2 == 0 ? 1 : -1);
          }
          InitializeChunk lead = creds.stamp(InitializeChunk.newBuilder().setWorkerId(id).build(), id);
          List<byte[]> messages = new ChunkStream(lead.toByteArray(), values, FloatEncoding.FP32, v, knob).with(d)
              .messages();
          return new Attack(Kind.INITIALIZE, id, creds, messages, timing,
              "defects " + d + ", variations " + v + ", values +-" + magnitude);
        });
  }

  /** Joins with the shard's layout or another one (another model, size, plan or shard). */
  static Arbitrary<Attack> joins() {
    Arbitrary<Layout> layouts = Arbitraries.of(
        Fixture.layout(),
        Fixture.layout().toBuilder().setNumParams(Fixture.NUM_PARAMS + 1).build(),
        Fixture.layout().toBuilder().setNumParams(0).build(),
        Fixture.layout().toBuilder().setNumParams(-1).build(),
        Fixture.layout().toBuilder().setNumParams(Long.MAX_VALUE).build(),
        Fixture.layout().toBuilder().setNumParams(1L << 40).build(),
        Fixture.layout().toBuilder().setFingerprint(~Fixture.FINGERPRINT).build(),
        Fixture.layout().toBuilder().setShardIndex(0).build(),
        Fixture.layout().toBuilder().setShardIndex(-1).build(),
        Fixture.layout().toBuilder().setNumShards(Integer.MAX_VALUE).setShardIndex(Integer.MAX_VALUE - 1).build(),
        Fixture.layout().toBuilder().setNumShards(0).build(),
        Fixture.layout().toBuilder().setModel("m".repeat(10_000)).build(),
        Layout.getDefaultInstance());
    return Combinators.combine(workerIds(), credentials(), layouts, spoils(), timings())
        .as((id, creds, layout, spoil, timing) -> unary(Kind.JOIN, id, creds, spoil, timing,
            JoinRequest.newBuilder().setWorkerId(id).setLayout(layout).build(),
            "layout P=" + layout.getNumParams() + " S=" + layout.getNumShards() + " i=" + layout.getShardIndex()));
  }

  static Arbitrary<Attack> pulls() {
    return Combinators.combine(workerIds(), credentials(), spoils(), timings())
        .as((id, creds, spoil, timing) -> unary(Kind.PULL, id, creds, spoil, timing,
            PullRequest.newBuilder().setWorkerId(id).build(), ""));
  }

  static Arbitrary<Attack> leaves() {
    return Combinators.combine(workerIds(), credentials(), spoils(), timings())
        .as((id, creds, spoil, timing) -> unary(Kind.LEAVE, id, creds, spoil, timing,
            LeaveRequest.newBuilder().setWorkerId(id).build(), ""));
  }

  static Arbitrary<Attack> heartbeats() {
    return Combinators.combine(workerIds(), credentials(), spoils(), timings())
        .as((id, creds, spoil, timing) -> unary(Kind.HEARTBEAT, id, creds, spoil, timing,
            HeartbeatRequest.newBuilder().setWorkerId(id).build(), ""));
  }

  static Arbitrary<Attack> statuses() {
    return Combinators.combine(spoils(), timings())
        .as((spoil, timing) -> unary(Kind.STATUS, Fixture.LEGIT_WORKER, Credentials.NONE, spoil, timing,
            StatusRequest.getDefaultInstance(), ""));
  }

  /**
   * Attaches of segment files that are not the caller's: missing, outside the shard's folder, or a
   * file planted in the folder under a segment's name ({@link Fixture#PLANTED_SEGMENT}).
   */
  static Arbitrary<Attack> attaches() {
    Arbitrary<String> paths = Arbitraries.of("", "/etc/passwd", "../impetus-x-1.seg", "impetus-x-1.seg",
        "/proc/self/mem", Fixture.PLANTED_SEGMENT, "\u0000", "/");
    Arbitrary<Long> lengths = Arbitraries.of((long) Fixture.SLICE, 0L, -1L, Long.MAX_VALUE, 1L << 33);
    return Combinators.combine(workerIds(), credentials(), paths, lengths, Arbitraries.longs(), timings())
        .as((id, creds, path, length, nonce, timing) -> unary(Kind.ATTACH, id, creds, Spoil.NONE, timing,
            AttachSegmentRequest.newBuilder().setWorkerId(id).setPath(path).setNonce(nonce).setLength(length).build(),
            "path '" + path + "' length " + length));
  }

  /** Header streams of the shared-memory path, from workers with no segment attached, and spoiled headers. */
  static Arbitrary<Attack> sharedStreams() {
    Arbitrary<PushHeader> headers = Combinators.combine(workerIds(), Arbitraries.of(0L, -1L, Long.MAX_VALUE),
            Arbitraries.of(0L, Long.MIN_VALUE, Long.MAX_VALUE, 7L),
            Arbitraries.of((long) Fixture.SLICE, 0L, -1L, Long.MAX_VALUE), Arbitraries.of(0, 1, 7, -1))
        .as((id, version, step, length, encoding) -> PushHeader.newBuilder().setWorkerId(id).setReadVersion(version)
            .setWorkerStep(step).setLength(length).setEncodingValue(encoding).build());
    return Combinators.combine(credentials(), headers.list().ofMinSize(1).ofMaxSize(4), spoils(), timings())
        .as((creds, list, spoil, timing) -> {
          List<byte[]> messages = new ArrayList<>();
          for (PushHeader h : list) {
            messages.add(creds.stamp(h, h.getWorkerId()).toByteArray());
          }
          messages.addAll(0, spoiled(messages.remove(0), spoil, list.size()));
          return new Attack(Kind.SHARED_STREAM, list.get(0).getWorkerId(), creds, messages, timing,
              list.size() + " headers, " + spoil);
        });
  }

  /** Bytes that need not be messages at all, to any method (and to one the service does not have). */
  static Arbitrary<Attack> raw() {
    Arbitrary<List<byte[]>> messages = Arbitraries.bytes().array(byte[].class).ofMaxSize(40).list().ofMaxSize(3);
    return Combinators.combine(Arbitraries.of(Kind.class), messages, timings())
        .as((kind, list, timing) -> new Attack(kind, -1, Credentials.NONE, list, timing, "raw bytes"));
  }

  static Arbitrary<Spoil> spoils() {
    return Arbitraries.frequencyOf(Tuple.of(4, Arbitraries.just(Spoil.NONE)),
        Tuple.of(3, Arbitraries.of(Spoil.class)));
  }

  private static Attack unary(Kind kind, int id, Credentials creds, Spoil spoil, Timing timing, Message request,
      String what) {
    byte[] bytes = creds.stamp(request, id).toByteArray();
    return new Attack(kind, id, creds, spoiled(bytes, spoil, id), timing, (what + " " + spoil).trim());
  }

  /** The messages a request's bytes become when spoiled as {@code spoil} says ({@code seed} picks where). */
  static List<byte[]> spoiled(byte[] bytes, Spoil spoil, long seed) {
    return switch (spoil) {
      case NONE -> List.of(bytes);
      case TRUNCATED -> List.of(ProtoBytes.truncated(bytes, bytes.length - 1 - (int) Math.floorMod(seed, 3L)));
      case UNKNOWN_FIELD -> List.of(new ProtoBytes().raw(bytes).varint(77, seed).bytes(500, bytes).toByteArray());
      case GARBAGE_TAIL -> List.of(new ProtoBytes().raw(bytes).raw(new byte[] {(byte) 0xff, (byte) 0xff})
          .toByteArray());
      case WRONG_WIRE_TYPE -> List.of(new ProtoBytes().tag(1, WireFormat.WIRETYPE_FIXED64).raw(bytes).toByteArray());
      case NO_MESSAGE -> List.of();
      case TWO_MESSAGES -> List.of(bytes, bytes);
      case EMPTY_MESSAGE -> List.of(new byte[0]);
    };
  }

  @SafeVarargs
  private static <T> T pick(long knob, T... options) {
    return options[(int) Math.floorMod(knob, (long) options.length)];
  }
}
