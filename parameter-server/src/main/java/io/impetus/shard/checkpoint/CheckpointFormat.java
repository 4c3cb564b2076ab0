package io.impetus.shard.checkpoint;

import io.impetus.optim.LrSchedule;
import io.impetus.optim.MomentumStyle;
import io.impetus.optim.OptimizerConfig;
import io.impetus.optim.OptimizerKind;
import io.impetus.staleness.StalenessRecorder;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * The binary form of one shard's checkpoint (a {@link ShardSnapshot}), format version 1. Every number
 * is little-endian; floats are IEEE float32 bits as they are in memory, so a round trip is exact.
 *
 * <pre>
 * header   magic "IMPCKPT\n" (8 bytes), format version (i32), payload length (i64)
 * payload  layout      shard index (i32), shard count (i32), parameters P (i64), fingerprint (i64),
 *                      range start (i64), range end (i64), model (str)
 *          optimizer   kind (str), lr, momentum, dampening (f64), nesterov (u8), momentum style (str),
 *                      weight decay, beta1, beta2, eps (f64), amsgrad (u8),
 *                      schedule kind (str), step every (i64), gamma (f64), warmup (i64), total (i64), min lr (f64)
 *          progress    version (i64), schedule position (i64)
 *          policy      staleness policy (str), last momentum (f64)
 *          workers     workers (i32), then each worker's clock (i64; -1: never joined), last step
 *                      processed (i64; -1: none) and session (i64; 0: none)
 *          staleness   applied staleness, then step lag, each: count, sum, max (i64), buckets (i32), counts (i64 each)
 *          parameters  length (i32), floats (f32 each)
 *          optimizer   step count (i64), buffers (i32), each: name (str), length (i32), floats (f32 each)
 * trailer  CRC32C of the payload (i32)
 * </pre>
 *
 * A string (str) is its UTF-8 length (i32) and bytes. A file whose size is not header + payload
 * length + trailer, whose CRC differs, or whose fields are out of range is refused with a {@link
 * CorruptCheckpointException} that says why. Stateless; safe from any thread.
 */
public final class CheckpointFormat {
  /** The file's first 8 bytes. */
  static final byte[] MAGIC = "IMPCKPT\n".getBytes(StandardCharsets.US_ASCII);
  /** The format this class writes; it reads only this one. */
  public static final int VERSION = 1;

  private static final int HEADER_BYTES = MAGIC.length + Integer.BYTES + Long.BYTES;
  private static final int TRAILER_BYTES = Integer.BYTES;
  private static final int MAX_STRING_BYTES = 4096;
  private static final int MAX_BUFFERS = 16;

  private CheckpointFormat() {}

  /**
   * Writes {@code snapshot} to {@code out}, streaming (no copy of the floats beyond a small buffer).
   *
   * @return the payload's CRC32C, which the manifest records too
   */
  public static int write(ShardSnapshot snapshot, WritableByteChannel out) throws IOException {
    Output counter = new Output(null);
    payload(snapshot, counter);
    Output header = new Output(out);
    header.bytes(MAGIC);
    header.i32(VERSION);
    header.i64(counter.count);
    header.flush();
    Output body = new Output(out);
    payload(snapshot, body);
    body.flush();
    int crc = (int) body.crc.getValue();
    Output trailer = new Output(out);
    trailer.i32(crc);
    trailer.flush();
    return crc;
  }

  private static void payload(ShardSnapshot s, Output o) throws IOException {
    CheckpointLayout l = s.layout();
    o.i32(l.shardIndex());
    o.i32(l.numShards());
    o.i64(l.numParams());
    o.i64(l.fingerprint());
    o.i64(l.rangeStart());
    o.i64(l.rangeEnd());
    o.str(l.model());
    OptimizerConfig c = s.optimizer();
    o.str(c.kind().cliName());
    o.f64(c.lr());
    o.f64(c.momentum());
    o.f64(c.dampening());
    o.bool(c.nesterov());
    o.str(c.momentumStyle().cliName());
    o.f64(c.weightDecay());
    o.f64(c.beta1());
    o.f64(c.beta2());
    o.f64(c.eps());
    o.bool(c.amsgrad());
    LrSchedule sch = c.schedule();
    o.str(sch.kind().cliName());
    o.i64(sch.stepEvery());
    o.f64(sch.gamma());
    o.i64(sch.warmupSteps());
    o.i64(sch.totalSteps());
    o.f64(sch.minLr());
    o.i64(s.version());
    o.i64(s.schedulePosition());
    o.str(s.stalenessPolicy());
    o.f64(s.lastMomentum());
    o.i32(s.workers().size());
    for (WorkerProgress w : s.workers()) {
      o.i64(w.clock());
      o.i64(w.lastStep());
      o.i64(w.session());
    }
    counts(s.staleness(), o);
    counts(s.stepLag(), o);
    o.i32(s.params().length);
    o.floats(s.params());
    o.i64(s.optimizerSteps());
    o.i32(s.buffers().size());
    for (Map.Entry<String, float[]> b : s.buffers().entrySet()) {
      o.str(b.getKey());
      o.i32(b.getValue().length);
      o.floats(b.getValue());
    }
  }

  private static void counts(StalenessRecorder.Counts c, Output o) throws IOException {
    o.i64(c.count());
    o.i64(c.sum());
    o.i64(c.max());
    o.i32(c.histogram().length);
    for (long n : c.histogram()) {
      o.i64(n);
    }
  }

  /** Reads and verifies the checkpoint file at {@code file}. */
  public static ShardSnapshot read(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size < HEADER_BYTES + TRAILER_BYTES) {
        throw new CorruptCheckpointException("truncated: " + size + " bytes, shorter than a header and a trailer");
      }
      ByteBuffer all = ch.map(FileChannel.MapMode.READ_ONLY, 0, size).order(ByteOrder.LITTLE_ENDIAN);
      return decode(all);
    }
  }

  /** Verifies and decodes a whole checkpoint file held in {@code file} (little-endian, position 0). */
  static ShardSnapshot decode(ByteBuffer file) throws CorruptCheckpointException {
    long size = file.remaining();
    if (size < HEADER_BYTES + TRAILER_BYTES) {
      throw new CorruptCheckpointException("truncated: " + size + " bytes, shorter than a header and a trailer");
    }
    byte[] magic = new byte[MAGIC.length];
    file.get(magic);
    if (!Arrays.equals(magic, MAGIC)) {
      throw new CorruptCheckpointException("not an Impetus checkpoint (bad magic)");
    }
    int version = file.getInt();
    if (version != VERSION) {
      throw new CorruptCheckpointException("format version " + version + ", this build reads " + VERSION);
    }
    long length = file.getLong();
    if (length < 0 || length > Integer.MAX_VALUE - HEADER_BYTES - TRAILER_BYTES) {
      throw new CorruptCheckpointException("the header announces a payload of " + length + " bytes");
    }
    long expected = HEADER_BYTES + length + TRAILER_BYTES;
    if (expected != size) {
      throw new CorruptCheckpointException((size < expected ? "truncated" : "wrong size") + ": " + size
          + " bytes, the header announces " + expected);
    }
    ByteBuffer payload = file.slice(HEADER_BYTES, (int) length).order(ByteOrder.LITTLE_ENDIAN);
    CRC32C crc = new CRC32C();
    crc.update(payload.duplicate());
    int stored = file.getInt(HEADER_BYTES + (int) length);
    if ((int) crc.getValue() != stored) {
      throw new CorruptCheckpointException(String.format("CRC32C mismatch (stored %08x, computed %08x)", stored,
          (int) crc.getValue()));
    }
    try {
      ShardSnapshot s = payload(new Input(payload));
      if (payload.hasRemaining()) {
        throw new CorruptCheckpointException(payload.remaining() + " unread bytes after the optimizer state");
      }
      return s;
    } catch (BufferUnderflowException e) {
      throw new CorruptCheckpointException("the payload ends in the middle of a field");
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw new CorruptCheckpointException("a field is out of range: " + e.getMessage());
    }
  }

  private static ShardSnapshot payload(Input in) throws CorruptCheckpointException {
    int shardIndex = in.i32();
    int numShards = in.i32();
    long numParams = in.i64();
    long fingerprint = in.i64();
    long rangeStart = in.i64();
    long rangeEnd = in.i64();
    CheckpointLayout layout =
        new CheckpointLayout(shardIndex, numShards, numParams, fingerprint, in.str(), rangeStart, rangeEnd);
    OptimizerKind kind = OptimizerKind.parse(in.str());
    double lr = in.f64();
    double momentum = in.f64();
    double dampening = in.f64();
    boolean nesterov = in.bool();
    MomentumStyle style = MomentumStyle.parse(in.str());
    double weightDecay = in.f64();
    double beta1 = in.f64();
    double beta2 = in.f64();
    double eps = in.f64();
    boolean amsgrad = in.bool();
    LrSchedule schedule = new LrSchedule(LrSchedule.Kind.parse(in.str()), in.i64(), in.f64(), in.i64(), in.i64(),
        in.f64());
    OptimizerConfig optimizer = new OptimizerConfig(kind, lr, momentum, dampening, nesterov, style, weightDecay, beta1,
        beta2, eps, amsgrad, schedule);
    long version = in.i64();
    long schedulePosition = in.i64();
    String policy = in.str();
    double lastMomentum = in.f64();
    int workers = in.count(1 << 20);
    List<WorkerProgress> progress = new ArrayList<>(workers);
    for (int i = 0; i < workers; i++) {
      progress.add(new WorkerProgress(in.i64(), in.i64(), in.i64()));
    }
    StalenessRecorder.Counts staleness = counts(in);
    StalenessRecorder.Counts stepLag = counts(in);
    float[] params = in.floats(layout.length());
    long optimizerSteps = in.i64();
    int buffers = in.count(MAX_BUFFERS);
    Map<String, float[]> named = new LinkedHashMap<>();
    for (int b = 0; b < buffers; b++) {
      named.put(in.str(), in.floats(layout.length()));
    }
    return new ShardSnapshot(layout, optimizer, version, schedulePosition, policy, lastMomentum, progress, staleness,
        stepLag, params, optimizerSteps, named);
  }

  private static StalenessRecorder.Counts counts(Input in) throws CorruptCheckpointException {
    long count = in.i64();
    long sum = in.i64();
    long max = in.i64();
    long[] histogram = new long[in.count(StalenessRecorder.BUCKETS)];
    for (int k = 0; k < histogram.length; k++) {
      histogram[k] = in.i64();
    }
    return new StalenessRecorder.Counts(count, sum, max, histogram);
  }

  /**
   * Little-endian output through a 64 KiB buffer that keeps the CRC32C of what went through it; with
   * no channel it only counts bytes (the first pass that sizes the payload).
   */
  private static final class Output {
    private final WritableByteChannel channel;
    private final ByteBuffer buf;
    final CRC32C crc = new CRC32C();
    long count;

    Output(WritableByteChannel channel) {
      this.channel = channel;
      this.buf = channel == null ? null : ByteBuffer.allocate(64 * 1024).order(ByteOrder.LITTLE_ENDIAN);
    }

    private void room(int bytes) throws IOException {
      count += bytes;
      if (buf != null && buf.remaining() < bytes) {
        flush();
      }
    }

    void i32(int v) throws IOException {
      room(Integer.BYTES);
      if (buf != null) {
        buf.putInt(v);
      }
    }

    void i64(long v) throws IOException {
      room(Long.BYTES);
      if (buf != null) {
        buf.putLong(v);
      }
    }

    void f64(double v) throws IOException {
      i64(Double.doubleToRawLongBits(v));
    }

    void bool(boolean v) throws IOException {
      room(1);
      if (buf != null) {
        buf.put((byte) (v ? 1 : 0));
      }
    }

    void bytes(byte[] b) throws IOException {
      room(b.length);
      if (buf != null) {
        buf.put(b);
      }
    }

    void str(String s) throws IOException {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      i32(b.length);
      bytes(b);
    }

    void floats(float[] values) throws IOException {
      if (buf == null) {
        count += (long) values.length * Float.BYTES;
        return;
      }
      int at = 0;
      while (at < values.length) {
        if (buf.remaining() < Float.BYTES) {
          flush();
        }
        int n = Math.min(values.length - at, buf.remaining() / Float.BYTES);
        buf.asFloatBuffer().put(values, at, n);
        buf.position(buf.position() + n * Float.BYTES);
        at += n;
      }
      count += (long) values.length * Float.BYTES;
    }

    void flush() throws IOException {
      if (buf == null) {
        return;
      }
      buf.flip();
      crc.update(buf.duplicate());
      while (buf.hasRemaining()) {
        channel.write(buf);
      }
      buf.clear();
    }
  }

  /** Little-endian input that bounds every count before it allocates. */
  private static final class Input {
    private final ByteBuffer buf;

    Input(ByteBuffer buf) {
      this.buf = buf;
    }

    int i32() {
      return buf.getInt();
    }

    long i64() {
      return buf.getLong();
    }

    double f64() {
      return buf.getDouble();
    }

    boolean bool() throws CorruptCheckpointException {
      byte b = buf.get();
      if (b != 0 && b != 1) {
        throw new CorruptCheckpointException("a flag byte is " + b + ", not 0 or 1");
      }
      return b == 1;
    }

    int count(int max) throws CorruptCheckpointException {
      int n = buf.getInt();
      if (n < 0 || n > max) {
        throw new CorruptCheckpointException("a count is " + n + ", outside [0, " + max + "]");
      }
      return n;
    }

    String str() throws CorruptCheckpointException {
      byte[] b = new byte[count(MAX_STRING_BYTES)];
      buf.get(b);
      return new String(b, StandardCharsets.UTF_8);
    }

    float[] floats(int expected) throws CorruptCheckpointException {
      int n = buf.getInt();
      if (n != expected) {
        throw new CorruptCheckpointException("an array has " + n + " floats, the slice " + expected);
      }
      float[] values = new float[n];
      buf.asFloatBuffer().get(values);
      buf.position(buf.position() + n * Float.BYTES);
      return values;
    }
  }
}
