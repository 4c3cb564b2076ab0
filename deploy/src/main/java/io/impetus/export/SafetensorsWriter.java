package io.impetus.export;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;

/**
 * Writes float32 tensors as a safetensors file: an 8-byte little-endian header length, a JSON header
 * naming each tensor's {@code dtype} ({@code F32}), {@code shape} and {@code data_offsets} (begin, end
 * in bytes from the start of the data) with an optional {@code __metadata__} object of strings, then
 * the tensors' values, little-endian, in the header's order. The header is padded with spaces to a
 * multiple of 8 bytes so that every tensor starts aligned, as the format recommends.
 */
public final class SafetensorsWriter {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int ALIGNMENT = 8;
  /** Values written per buffer fill: bounds the buffer's size whatever the tensor's. */
  private static final int CHUNK = 1 << 16;

  private SafetensorsWriter() {}

  /**
   * One tensor: {@code shape} values taken row-major from {@code values[offset, offset + size)}.
   *
   * @param name its name in the file
   * @param shape its dimensions
   * @param values the array holding it (not copied)
   * @param offset where it starts in {@code values}
   */
  public record Tensor(String name, int[] shape, float[] values, int offset) {
    /** Checks that the tensor lies inside {@code values}. */
    public Tensor {
      shape = shape.clone();
      long size = size(shape);
      if (offset < 0 || offset + size > values.length) {
        throw new IllegalArgumentException("tensor " + name + " of " + size + " values at " + offset
            + " does not fit in " + values.length + " values");
      }
    }

    /** Number of values. */
    public int size() {
      return Math.toIntExact(size(shape));
    }

    private static long size(int[] shape) {
      long n = 1;
      for (int d : shape) {
        n *= d;
      }
      return n;
    }
  }

  /** Writes {@code tensors} with {@code metadata} to {@code file}, replacing it. */
  public static void write(Path file, List<Tensor> tensors, Map<String, String> metadata) throws IOException {
    byte[] header = header(tensors, metadata);
    try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer length = ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).flip();
      writeFully(out, length);
      writeFully(out, ByteBuffer.wrap(header));
      ByteBuffer chunk = ByteBuffer.allocate(CHUNK * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
      for (Tensor t : tensors) {
        for (int done = 0; done < t.size(); done += CHUNK) {
          int n = Math.min(CHUNK, t.size() - done);
          chunk.clear();
          chunk.asFloatBuffer().put(t.values(), t.offset() + done, n);
          chunk.limit(n * Float.BYTES);
          writeFully(out, chunk);
        }
      }
    }
  }

  /** The JSON header, padded with spaces to a multiple of {@value #ALIGNMENT} bytes. */
  static byte[] header(List<Tensor> tensors, Map<String, String> metadata) throws IOException {
    ObjectNode root = JSON.createObjectNode();
    if (!metadata.isEmpty()) {
      ObjectNode meta = root.putObject("__metadata__");
      metadata.forEach(meta::put);
    }
    long begin = 0;
    for (Tensor t : tensors) {
      if (root.has(t.name())) {
        throw new IllegalArgumentException("two tensors named " + t.name());
      }
      ObjectNode entry = root.putObject(t.name());
      entry.put("dtype", "F32");
      entry.putArray("shape").addAll(java.util.Arrays.stream(t.shape()).mapToObj(JSON.getNodeFactory()::numberNode)
          .toList());
      long end = begin + (long) t.size() * Float.BYTES;
      entry.putArray("data_offsets").add(begin).add(end);
      begin = end;
    }
    String json = JSON.writeValueAsString(root);
    int length = json.getBytes(StandardCharsets.UTF_8).length;
    return (json + " ".repeat((ALIGNMENT - length % ALIGNMENT) % ALIGNMENT)).getBytes(StandardCharsets.UTF_8);
  }

  private static void writeFully(FileChannel out, ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      out.write(b);
    }
  }
}
