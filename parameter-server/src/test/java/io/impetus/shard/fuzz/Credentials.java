package io.impetus.shard.fuzz;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.grpc.Metadata;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Who a call claims to be, for the worker id it names: that worker's own session, another (foreign)
 * session, or none. This is the one place where the fuzzer's calls present an identity.
 *
 * <p>A worker's session is the key the shard issued when it joined ({@code JoinReply.session_key}),
 * sent in each request's {@value #KEY_FIELD} field, plus the process number its Join sends in
 * {@value #SESSION_FIELD}. The keys exist only once a shard runs, while the attacks are generated
 * before: {@link #stamp} writes a 16-byte mark of the credential where the key goes, and {@link
 * #present} swaps it, byte for byte, for the live key when the call starts (a key has 16 bytes, as
 * the mark, so the messages keep their framing however they were spoiled around it).
 */
enum Credentials {
  /** The session of the worker the call names: the key its Join returned (for a worker not joined: a key of no session). */
  OWN,
  /** A key of another session: another worker's live key, or 16 random bytes. */
  FOREIGN,
  /** No session key at all. */
  NONE;

  /** The request field that carries a worker's session key. */
  static final String KEY_FIELD = "session_key";
  /** The JoinRequest field that carries a worker's process number. */
  static final String SESSION_FIELD = "session";
  /** The legitimate worker's process number. */
  static final long LEGIT_SESSION = 0x5e55_1011_0000_0001L;
  /** The process number of the ids the attacker joins as its own. */
  static final long ATTACKER_SESSION = 0x5e55_1011_0000_0002L;
  /** The length of a shard-issued session key, and of each mark. */
  static final int KEY_BYTES = 16;

  /** The mark {@link #stamp} writes where this credential's key goes (none for {@link #NONE}). */
  private byte[] mark() {
    return this == NONE ? new byte[0] : ("fuzz-key-" + name() + "-------").substring(0, KEY_BYTES)
        .getBytes(StandardCharsets.US_ASCII);
  }

  /** The process number this credential presents for a call naming {@code workerId}; 0 is none. */
  long session(int workerId) {
    long own = workerId == Fixture.LEGIT_WORKER ? LEGIT_SESSION : ATTACKER_SESSION;
    return switch (this) {
      case OWN -> own;
      case FOREIGN -> own == LEGIT_SESSION ? ATTACKER_SESSION : LEGIT_SESSION;
      case NONE -> 0;
    };
  }

  /** {@code request} carrying this credential's mark for its key, and its process number where the type has one. */
  @SuppressWarnings("unchecked")
  <M extends Message> M stamp(M request, int workerId) {
    Message.Builder b = request.toBuilder();
    FieldDescriptor key = request.getDescriptorForType().findFieldByName(KEY_FIELD);
    if (key != null) {
      b.setField(key, ByteString.copyFrom(mark()));
    }
    FieldDescriptor session = request.getDescriptorForType().findFieldByName(SESSION_FIELD);
    if (session != null) {
      b.setField(session, session(workerId));
    }
    return (M) b.build();
  }

  /** {@code messages} with this credential's mark, wherever it stands, replaced by {@code key} (of {@link #KEY_BYTES}). */
  List<byte[]> present(List<byte[]> messages, ByteString key) {
    if (this == NONE) {
      return messages;
    }
    byte[] mark = mark();
    byte[] live = key.toByteArray();
    if (live.length != KEY_BYTES) {
      throw new IllegalArgumentException("a session key has " + KEY_BYTES + " bytes, not " + live.length);
    }
    List<byte[]> out = new ArrayList<>(messages.size());
    for (byte[] m : messages) {
      byte[] copy = m.clone();
      for (int at = 0; at + KEY_BYTES <= copy.length; at++) {
        if (Arrays.equals(copy, at, at + KEY_BYTES, mark, 0, KEY_BYTES)) {
          System.arraycopy(live, 0, copy, at, KEY_BYTES);
          at += KEY_BYTES - 1;
        }
      }
      out.add(copy);
    }
    return out;
  }

  /** Call metadata that carries this credential (none: keys travel in the requests). */
  Metadata metadata(int workerId) {
    return new Metadata();
  }
}
