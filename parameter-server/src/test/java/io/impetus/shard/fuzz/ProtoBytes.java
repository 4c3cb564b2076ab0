package io.impetus.shard.fuzz;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * Protobuf encoding written by hand, field by field, so that a message can be made exactly as wrong
 * as a case wants: fields in any order or twice, a length that runs past the end, a wrong wire type,
 * unknown fields, or a message cut short. Well-formed fields come out byte for byte as protobuf
 * writes them.
 */
final class ProtoBytes {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final CodedOutputStream out = CodedOutputStream.newInstance(bytes);

  /** A varint field. */
  ProtoBytes varint(int field, long value) {
    return write(() -> {
      out.writeTag(field, WireFormat.WIRETYPE_VARINT);
      out.writeUInt64NoTag(value);
    });
  }

  /** A length-delimited field holding {@code value}. */
  ProtoBytes bytes(int field, byte[] value) {
    return lengthDelimited(field, value.length, value);
  }

  /**
   * A length-delimited field that declares {@code declaredLength} bytes and holds {@code value} (a lie
   * when the two differ: a length past the end, a negative or a huge one).
   */
  ProtoBytes lengthDelimited(int field, long declaredLength, byte[] value) {
    return write(() -> {
      out.writeTag(field, WireFormat.WIRETYPE_LENGTH_DELIMITED);
      out.writeUInt64NoTag(declaredLength);
      out.writeRawBytes(value);
    });
  }

  /** A field with a tag of the given wire type and nothing checked about what follows. */
  ProtoBytes tag(int field, int wireType) {
    return write(() -> out.writeTag(field, wireType));
  }

  /** Bytes as they are. */
  ProtoBytes raw(byte[] value) {
    return write(() -> out.writeRawBytes(value));
  }

  /** The message so far. */
  byte[] toByteArray() {
    write(() -> {});
    return bytes.toByteArray();
  }

  /** The first {@code n} bytes of {@code message} (all of it when n is not shorter). */
  static byte[] truncated(byte[] message, int n) {
    return Arrays.copyOf(message, Math.max(0, Math.min(n, message.length)));
  }

  private interface Write {
    void run() throws IOException;
  }

  private ProtoBytes write(Write w) {
    try {
      w.run();
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }
}
