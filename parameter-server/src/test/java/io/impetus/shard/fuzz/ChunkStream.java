package io.impetus.shard.fuzz;

import com.google.protobuf.WireFormat;
import io.impetus.proto.FloatEncoding;
import io.impetus.wire.FloatCodec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The raw messages of one chunked float stream (a PushPull's PushChunks or an Initialize's
 * InitializeChunks), made right and then made wrong: a stream's chunks are drafted from its values
 * (the leading field, its header or worker id, in the first), {@link Variation}s that a correct shard
 * must take in its stride are applied, then {@link Defect}s that it must refuse, and each draft is
 * encoded by hand ({@link ProtoBytes}) so that the defects can reach below protobuf.
 *
 * <p>Sub-choices (which offset, which non-finite value, how many bytes) come from {@code knob}, so
 * that a case is a few small values that jqwik can shrink.
 */
final class ChunkStream {
  /** Field numbers shared by PushChunk and InitializeChunk. */
  static final int LEAD_FIELD = 1;
  static final int OFFSET_FIELD = 2;
  static final int PAYLOAD_FIELD = 3;

  /** Something a correct shard takes in its stride: the stream still means the same values. */
  enum Variation {
    /** The values in two or three chunks instead of one. */
    SPLIT,
    /** Unknown fields in every chunk (and in the push header), which protobuf skips. */
    UNKNOWN_FIELDS,
    /** The float field written before the other fields of the first chunk. */
    PAYLOAD_FIRST,
    /** One more chunk, with no values, at the end. */
    EMPTY_CHUNK,
    /** The values as bfloat16 (a push declares it in its header). */
    BF16,
    /** The reply asked for in bfloat16. */
    REPLY_BF16,
  }

  /** Something a correct shard refuses: the stream cannot be taken for a complete, finite slice. */
  enum Defect {
    NO_HEADER, HEADER_IN_LATER_CHUNK, SECOND_HEADER, NEGATIVE_OFFSET, OVERLAPPING_OFFSET, GAP, PARTIAL_VALUE,
    TOO_MANY_VALUES, TOO_FEW_VALUES, NON_FINITE, TRUNCATED_CHUNK, LENGTH_PAST_END, HUGE_FIELD_LENGTH, WRONG_WIRE_TYPE,
    NO_CHUNKS, GARBAGE_CHUNK
  }

  /** One chunk message before it is encoded. */
  private static final class Draft {
    byte[] lead;
    long offset;
    byte[] payload;
    /** The length the payload field declares, when it lies about it (null: the truth). */
    Long declaredLength;
    int payloadWireType = WireFormat.WIRETYPE_LENGTH_DELIMITED;
    boolean payloadFirst;
    byte[] trailing = new byte[0];
    int cutBytes;
    /** A chunk of raw bytes that is no chunk at all. */
    byte[] garbage;

    int values(int bytesPerValue) {
      return payload.length / bytesPerValue;
    }
  }

  private final List<Draft> drafts = new ArrayList<>();
  private final int bytesPerValue;
  private final long knob;

  /**
   * A stream of {@code values} in {@code encoding}, {@code lead} (the encoded leading field: a push
   * header or a worker id) in its first chunk, with {@code variations} applied.
   */
  ChunkStream(byte[] lead, float[] values, FloatEncoding encoding, Set<Variation> variations, long knob) {
    this.bytesPerValue = FloatCodec.bytesPerValue(encoding);
    this.knob = knob;
    int pieces = variations.contains(Variation.SPLIT) ? 2 + pick(0, 2) : 1;
    int from = 0;
    for (int p = 0; p < pieces; p++) {
      int to = p == pieces - 1 ? values.length : Math.min(values.length, from + 1 + pick(p + 1, values.length));
      Draft d = new Draft();
      d.offset = from;
      d.payload = FloatCodec.encode(values, from, to - from, encoding).toByteArray();
      drafts.add(d);
      from = to;
    }
    drafts.get(0).lead = lead;
    if (variations.contains(Variation.UNKNOWN_FIELDS)) {
      for (Draft d : drafts) {
        d.trailing = new ProtoBytes().varint(15, knob).bytes(1000, new byte[] {1, 2, 3}).toByteArray();
      }
    }
    drafts.get(0).payloadFirst = variations.contains(Variation.PAYLOAD_FIRST);
    if (variations.contains(Variation.EMPTY_CHUNK)) {
      Draft d = new Draft();
      d.offset = values.length;
      d.payload = new byte[0];
      drafts.add(d);
    }
  }

  /** Makes the stream wrong in each of {@code defects} ways; contradictory pairs keep one of the two. */
  ChunkStream with(Set<Defect> defects) {
    boolean splitNeeded = defects.contains(Defect.HEADER_IN_LATER_CHUNK) || defects.contains(Defect.SECOND_HEADER)
        || defects.contains(Defect.OVERLAPPING_OFFSET);
    if (splitNeeded && drafts.size() < 2) {
      splitFirst();
    }
    Draft first = drafts.get(0);
    Draft last = lastWithValues();
    if (defects.contains(Defect.HEADER_IN_LATER_CHUNK)) {
      drafts.get(1).lead = first.lead;
      first.lead = null;
    }
    if (defects.contains(Defect.SECOND_HEADER)) {
      drafts.get(1).lead = first.lead != null ? first.lead : drafts.get(1).lead;
    }
    if (defects.contains(Defect.NO_HEADER)) {
      first.lead = null;
    }
    if (defects.contains(Defect.NEGATIVE_OFFSET)) {
      first.offset = pickOf(3, -1L, -4L, Long.MIN_VALUE, (long) Integer.MIN_VALUE);
    }
    if (defects.contains(Defect.OVERLAPPING_OFFSET)) {
      Draft second = drafts.get(1);
      second.offset -= 1 + pick(4, (int) Math.max(1, second.offset));
    } else if (defects.contains(Defect.GAP)) {
      Draft end = drafts.get(drafts.size() - 1);
      end.offset += pickOf(5, 1L, 1L << 31, Long.MAX_VALUE - end.offset, 7L);
    }
    if (defects.contains(Defect.PARTIAL_VALUE)) {
      Draft d = drafts.get(pick(6, drafts.size()));
      d.payload = append(d.payload, 1 + pick(7, bytesPerValue - 1));
    }
    if (defects.contains(Defect.TOO_MANY_VALUES)) {
      last.payload = append(last.payload, bytesPerValue);
    } else if (defects.contains(Defect.TOO_FEW_VALUES)) {
      last.payload = Arrays.copyOf(last.payload, last.payload.length - bytesPerValue);
    }
    if (defects.contains(Defect.NON_FINITE)) {
      Draft d = drafts.get(pick(8, drafts.size()));
      int values = d.values(bytesPerValue);
      if (values == 0) {
        d = last;
        values = d.values(bytesPerValue);
      }
      int at = pick(9, values) * bytesPerValue;
      int bits = bytesPerValue == 4 ? pickOf(10, 0x7fc00000, 0x7f800000, 0xff800000, 0x7f800001, 0xffffffff)
          : pickOf(10, 0x7fc00000, 0x7f800000, 0xff800000, 0x7f810000) >>> 16;
      for (int b = 0; b < bytesPerValue && at + b < d.payload.length; b++) {
        d.payload[at + b] = (byte) (bits >>> (8 * b));
      }
    }
    if (defects.contains(Defect.TRUNCATED_CHUNK)) {
      last.trailing = new byte[0];
      last.payloadFirst = false;
      last.cutBytes = 1 + pick(11, Math.max(1, last.payload.length + 4));
    } else if (defects.contains(Defect.LENGTH_PAST_END)) {
      last.declaredLength = last.payload.length + pickOf(11, 1L, 4L, 1000L);
      last.trailing = new byte[0];
    }
    if (defects.contains(Defect.HUGE_FIELD_LENGTH)) {
      first.declaredLength = pickOf(12, (long) Integer.MAX_VALUE, -1L, 1L << 32, Long.MAX_VALUE);
    }
    if (defects.contains(Defect.WRONG_WIRE_TYPE)) {
      last.payloadWireType = pickOf(13, WireFormat.WIRETYPE_VARINT, WireFormat.WIRETYPE_FIXED32,
          WireFormat.WIRETYPE_FIXED64, WireFormat.WIRETYPE_START_GROUP, WireFormat.WIRETYPE_END_GROUP, 6, 7);
    }
    if (defects.contains(Defect.GARBAGE_CHUNK)) {
      Draft g = new Draft();
      g.garbage = pickOf(14, new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff}, new byte[] {0, 0, 0},
          new byte[] {(byte) 0x1a, (byte) 0x7f}, new byte[] {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80,
              (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 1});
      drafts.add(g);
    }
    if (defects.contains(Defect.NO_CHUNKS)) {
      drafts.clear();
    }
    return this;
  }

  /** The encoded messages. */
  List<byte[]> messages() {
    List<byte[]> out = new ArrayList<>(drafts.size());
    for (Draft d : drafts) {
      out.add(encode(d));
    }
    return out;
  }

  private byte[] encode(Draft d) {
    if (d.garbage != null) {
      return d.garbage;
    }
    ProtoBytes m = new ProtoBytes();
    if (d.payloadFirst) {
      payload(m, d);
    }
    if (d.lead != null) {
      m.raw(d.lead);
    }
    if (d.offset != 0) {
      m.varint(OFFSET_FIELD, d.offset);
    }
    if (!d.payloadFirst) {
      payload(m, d);
    }
    m.raw(d.trailing);
    byte[] bytes = m.toByteArray();
    return d.cutBytes > 0 ? ProtoBytes.truncated(bytes, bytes.length - d.cutBytes) : bytes;
  }

  private static void payload(ProtoBytes m, Draft d) {
    if (d.payloadWireType != WireFormat.WIRETYPE_LENGTH_DELIMITED) {
      m.tag(PAYLOAD_FIELD, d.payloadWireType).raw(d.payload);
    } else if (d.declaredLength != null) {
      m.lengthDelimited(PAYLOAD_FIELD, d.declaredLength, d.payload);
    } else {
      // An empty payload is written too (protobuf would leave it out), which is as valid.
      m.bytes(PAYLOAD_FIELD, d.payload);
    }
  }

  private void splitFirst() {
    Draft first = drafts.get(0);
    int values = first.values(bytesPerValue);
    int cut = Math.max(1, Math.min(values - 1, values / 2)) * bytesPerValue;
    Draft second = new Draft();
    second.offset = first.offset + cut / bytesPerValue;
    second.payload = Arrays.copyOfRange(first.payload, cut, first.payload.length);
    second.trailing = first.trailing;
    first.payload = Arrays.copyOf(first.payload, cut);
    drafts.add(1, second);
  }

  private Draft lastWithValues() {
    for (int k = drafts.size() - 1; k >= 0; k--) {
      if (drafts.get(k).payload.length >= bytesPerValue) {
        return drafts.get(k);
      }
    }
    return drafts.get(0);
  }

  private static byte[] append(byte[] payload, int n) {
    byte[] longer = Arrays.copyOf(payload, payload.length + n);
    for (int i = payload.length; i < longer.length; i++) {
      longer[i] = (byte) 0x3f;
    }
    return longer;
  }

  /** A choice in [0, n) from the knob's bits for slot {@code slot}. */
  private int pick(int slot, int n) {
    return n <= 1 ? 0 : (int) Math.floorMod(Long.rotateRight(knob, slot * 5), (long) n);
  }

  @SafeVarargs
  private <T> T pickOf(int slot, T... options) {
    return options[pick(slot, options.length)];
  }
}
