package io.impetus.bench;

import com.google.protobuf.ByteString;
import io.impetus.wire.FloatCodec;
import java.util.SplittableRandom;

/** FloatCodec encode (float[] to little-endian bytes) or decode vs System.arraycopy of the same bytes. */
public final class CodecCase implements BenchCase {
  private final boolean encode;
  private final float[] floats;
  private final byte[] bytes;
  private final byte[] copy;
  private final ByteString encoded;

  /** {@code encode}: float[] to bytes; otherwise bytes (a ByteString) to float[]. */
  public CodecCase(boolean encode, int p) {
    this.encode = encode;
    floats = new float[p];
    SplittableRandom random = new SplittableRandom(2);
    for (int i = 0; i < p; i++) {
      floats[i] = (float) random.nextGaussian();
    }
    bytes = new byte[p * FloatCodec.BYTES];
    copy = new byte[p * FloatCodec.BYTES];
    encoded = FloatCodec.encode(floats);
    encoded.copyTo(bytes, 0);
  }

  @Override
  public String name() {
    return "FloatCodec." + (encode ? "wrap (encode)" : "decode") + " P=" + floats.length;
  }

  @Override
  public String baselineName() {
    return "System.arraycopy of 4P bytes";
  }

  @Override
  public void subject() {
    if (encode) {
      FloatCodec.wrap(floats, 0, floats.length, copy);
    } else {
      FloatCodec.decode(encoded, floats, 0);
    }
  }

  @Override
  public void baseline() {
    System.arraycopy(bytes, 0, copy, 0, bytes.length);
  }

  @Override
  public long sink() {
    return copy[copy.length / 2] + Float.floatToRawIntBits(floats[floats.length / 2]);
  }
}
