package io.impetus.wire;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;

/**
 * The shared secret that shards and workers of one job hold ({@code --token-file}): every gRPC call a
 * client makes carries it as {@code authorization: Bearer <token>}, and a shard given a token refuses
 * calls without it. The token is the trimmed content of a file, at least {@link #MIN_LENGTH}
 * characters of printable ASCII without spaces (so that it fits a header unchanged).
 *
 * <p>{@link #toString} never shows the token, so it cannot end up in a log line.
 */
public final class BearerToken {
  /** The metadata key the token travels in. */
  public static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  /** What precedes the token in the header. */
  public static final String SCHEME = "Bearer ";
  /** The shortest token accepted: shorter ones are guessable. */
  public static final int MIN_LENGTH = 16;

  private final String header;
  private final byte[] headerBytes;
  /** The file the token was read from, or null (see {@link #file}). */
  private final Path file;

  private BearerToken(String token, Path file) {
    this.header = SCHEME + token;
    this.headerBytes = header.getBytes(StandardCharsets.US_ASCII);
    this.file = file;
  }

  /** A token from its text; {@code flag} names where it came from in the error for a bad one. */
  public static BearerToken of(String token, String flag) {
    return of(token, flag, null);
  }

  private static BearerToken of(String token, String flag, Path file) {
    String t = token.trim();
    if (t.length() < MIN_LENGTH) {
      throw new IllegalArgumentException(flag + ": the token must be at least " + MIN_LENGTH + " characters, got "
          + t.length());
    }
    for (int i = 0; i < t.length(); i++) {
      char c = t.charAt(i);
      if (c <= ' ' || c > '~') {
        throw new IllegalArgumentException(flag + ": the token must be printable ASCII without spaces"
            + " (e.g. openssl rand -hex 32)");
      }
    }
    return new BearerToken(t, file);
  }

  /**
   * The token in {@code file} (its content, trimmed). Throws IllegalArgumentException naming {@code flag}
   * and the file when it cannot be read, is empty or is too short.
   */
  public static BearerToken read(Path file, String flag) {
    String content;
    try {
      content = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(flag + " " + file + ": cannot read the token file (" + e + ")");
    }
    if (content.isBlank()) {
      throw new IllegalArgumentException(flag + " " + file + ": the token file is empty");
    }
    return of(content, flag + " " + file, file);
  }

  /**
   * The file {@link #read} took the token from (so a config holding the token can be written back as
   * {@code --token-file FILE} for a child process, without the secret on its command line), or null
   * for a token made {@link #of} text.
   */
  public Path file() {
    return file;
  }

  /**
   * Whether {@code header} (the value of a call's authorization header, or null) carries this token.
   * Compares in time independent of where the values differ, so a caller cannot guess the token byte
   * by byte.
   */
  public boolean matches(String header) {
    if (header == null) {
      return false;
    }
    return MessageDigest.isEqual(headerBytes, header.getBytes(StandardCharsets.US_ASCII));
  }

  /** A client interceptor that attaches this token to every call. */
  public ClientInterceptor attach() {
    return new ClientInterceptor() {
      @Override
      public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
          @Override
          public void start(Listener<R> listener, Metadata headers) {
            headers.put(AUTHORIZATION, header);
            super.start(listener, headers);
          }
        };
      }
    };
  }

  @Override
  public String toString() {
    return "BearerToken[hidden]";
  }
}
