package io.impetus.shard.fuzz;

import io.grpc.Metadata;
import io.impetus.wire.BearerToken;

/**
 * The bearer token an attacker presents to a shard that requires one ({@link Fixture.Guard#TOKEN}):
 * never the job's token as the shard expects it, so every call must be refused with UNAUTHENTICATED.
 */
enum PresentedToken {
  /** No authorization header. */
  NONE,
  /** Another token of the same length. */
  WRONG,
  /** The job's token without the scheme. */
  BARE,
  /** The job's token less its last character. */
  TRUNCATED,
  /** The scheme alone. */
  EMPTY;

  /** {@code metadata} with this token's authorization header added (none for {@link #NONE}). */
  Metadata onto(Metadata metadata) {
    String token = Fixture.TOKEN_TEXT;
    String header = switch (this) {
      case NONE -> null;
      case WRONG -> BearerToken.SCHEME + token.substring(0, token.length() - 1) + "X";
      case BARE -> token;
      case TRUNCATED -> BearerToken.SCHEME + token.substring(0, token.length() - 1);
      case EMPTY -> BearerToken.SCHEME;
    };
    if (header != null) {
      metadata.put(BearerToken.AUTHORIZATION, header);
    }
    return metadata;
  }
}
