package io.impetus.shard;

import io.grpc.MethodDescriptor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Messages as raw bytes, for tests that send a shard what no generated stub would: the marshaller
 * passes bytes through both ways, so the shard's own parsers see exactly what the test made.
 */
public final class RawBytes {
  private RawBytes() {}

  /** Bytes in, bytes out, whatever they are. */
  public static final MethodDescriptor.Marshaller<byte[]> MARSHALLER = new MethodDescriptor.Marshaller<>() {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  };

  /** {@code method} (its full name and type) with raw bytes for requests and replies. */
  public static MethodDescriptor<byte[], byte[]> as(MethodDescriptor<?, ?> method) {
    return as(method.getFullMethodName(), method.getType());
  }

  /** The method of full name {@code fullName} and kind {@code type}, with raw bytes for requests and replies. */
  public static MethodDescriptor<byte[], byte[]> as(String fullName, MethodDescriptor.MethodType type) {
    return MethodDescriptor.<byte[], byte[]>newBuilder(MARSHALLER, MARSHALLER)
        .setFullMethodName(fullName).setType(type).build();
  }
}
