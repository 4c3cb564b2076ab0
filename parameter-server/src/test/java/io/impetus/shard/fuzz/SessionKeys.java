package io.impetus.shard.fuzz;

import com.google.protobuf.ByteString;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The session keys the shard under attack issued in one case: the legitimate worker's, and those of
 * the ids the attacker joined as its own. {@link #of} says which key a call presents for the
 * {@link Credentials} it was generated with.
 */
final class SessionKeys {
  /** A key no session holds: 16 bytes from a fixed seed (the shard's keys come from a SecureRandom). */
  static final ByteString STRANGER = randomKey(0x5eed_0f_f0e1L);

  private final ByteString legit;
  private final Map<Integer, ByteString> attackers = new ConcurrentHashMap<>();

  SessionKeys(ByteString legit) {
    this.legit = legit;
  }

  private static ByteString randomKey(long seed) {
    byte[] key = new byte[Credentials.KEY_BYTES];
    new Random(seed).nextBytes(key);
    return ByteString.copyFrom(key);
  }

  /** Records the key a join of the attacker's own id {@code workerId} returned. */
  void attackerJoined(int workerId, ByteString key) {
    if (workerId != Fixture.LEGIT_WORKER) {
      attackers.put(workerId, key);
    }
  }

  /** The key a call naming {@code workerId} presents under {@code credentials} (empty for NONE). */
  ByteString of(Credentials credentials, int workerId) {
    ByteString own = workerId == Fixture.LEGIT_WORKER ? legit : attackers.getOrDefault(workerId, STRANGER);
    return switch (credentials) {
      case OWN -> own;
      // Another live worker's key: the attacker's for the legitimate worker, the legitimate one's for any other id.
      case FOREIGN -> workerId == Fixture.LEGIT_WORKER
          ? attackers.values().stream().findFirst().orElse(STRANGER) : legit;
      case NONE -> ByteString.EMPTY;
    };
  }
}
