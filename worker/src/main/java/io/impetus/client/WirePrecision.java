package io.impetus.client;

import io.impetus.proto.FloatEncoding;

/**
 * How many bits each float takes on the grpc path between a worker and its shards (the shm path
 * always moves float32). With {@link #BF16} a worker sends its gradients as bfloat16 and asks for the
 * parameters back as bfloat16, half the bytes each way; the shards keep float32 parameters and
 * optimizer state, so only what crosses the wire is rounded.
 */
public enum WirePrecision {
  /** float32, exact. The default. */
  FP32("fp32", FloatEncoding.FP32, Float.BYTES),
  /** bfloat16 (float32's exponent range, 8 significant bits), rounded to nearest even. */
  BF16("bf16", FloatEncoding.BF16, 2);

  private final String cliName;
  private final FloatEncoding encoding;
  private final int bytesPerValue;

  WirePrecision(String cliName, FloatEncoding encoding, int bytesPerValue) {
    this.cliName = cliName;
    this.encoding = encoding;
    this.bytesPerValue = bytesPerValue;
  }

  /** The bytes one float takes on the wire. */
  public int bytesPerValue() {
    return bytesPerValue;
  }

  /** The name on the command line. */
  public String cliName() {
    return cliName;
  }

  /** The wire encoding that pushes declare for their gradients and ask for in their replies. */
  public FloatEncoding encoding() {
    return encoding;
  }

  /**
   * Refuses a precision that {@code transport} would never use: {@code --transport shm} moves every
   * float through shared memory, as float32.
   */
  public void checkUsedBy(Transport transport) {
    if (this != FP32 && transport == Transport.SHM) {
      throw new IllegalArgumentException("--wire-precision " + cliName + " applies to the grpc path only, and"
          + " --transport shm moves every float through shared memory as fp32");
    }
  }

  /** The precision named {@code name}; the error names {@code --wire-precision} and the choices. */
  public static WirePrecision parse(String name) {
    return CliNames.parse(values(), WirePrecision::cliName, "--wire-precision", name);
  }
}
