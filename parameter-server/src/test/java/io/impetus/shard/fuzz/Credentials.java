package io.impetus.shard.fuzz;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.grpc.Metadata;

/**
 * Who a call claims to be, for the worker id it names: that worker's own session, another (foreign)
 * session, or none. This is the one place where the fuzzer's calls present an identity, so that the
 * shard-issued session keys of issue 17 item 3 are wired in here and nowhere else.
 *
 * <p>Today a worker's session is the random number its process sends in {@code JoinRequest.session}:
 * {@link #stamp} sets the request field named {@link #SESSION_FIELD} wherever a request has one, so a
 * request type that gains such a field is stamped without a change here. Keys that travel as call
 * metadata go in {@link #metadata}.
 */
enum Credentials {
  /** The session of the worker the call names (for an unknown worker: a session of its own). */
  OWN,
  /** A live session of another worker: the legitimate worker's session used for another id, or vice versa. */
  FOREIGN,
  /** No session at all. */
  NONE;

  /** The request field that carries a worker's session. */
  static final String SESSION_FIELD = "session";
  /** The legitimate worker's session. */
  static final long LEGIT_SESSION = 0x5e55_1011_0000_0001L;
  /** The session of the ids the attacker joins as its own. */
  static final long ATTACKER_SESSION = 0x5e55_1011_0000_0002L;

  /** The session this credential presents for a call naming {@code workerId}; 0 is none. */
  long session(int workerId) {
    long own = workerId == Fixture.LEGIT_WORKER ? LEGIT_SESSION : ATTACKER_SESSION;
    return switch (this) {
      case OWN -> own;
      case FOREIGN -> own == LEGIT_SESSION ? ATTACKER_SESSION : LEGIT_SESSION;
      case NONE -> 0;
    };
  }

  /** {@code request} carrying this credential's session for {@code workerId}, if its type has a session field. */
  @SuppressWarnings("unchecked")
  <M extends Message> M stamp(M request, int workerId) {
    FieldDescriptor field = request.getDescriptorForType().findFieldByName(SESSION_FIELD);
    if (field == null) {
      return request;
    }
    return (M) request.toBuilder().setField(field, session(workerId)).build();
  }

  /** Call metadata that carries this credential (none yet: sessions travel in the requests). */
  Metadata metadata(int workerId) {
    return new Metadata();
  }
}
