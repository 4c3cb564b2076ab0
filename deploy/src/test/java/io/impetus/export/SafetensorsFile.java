package io.impetus.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A safetensors file parsed back, independently of {@link SafetensorsWriter}, as a loader reads it:
 * the header length, the JSON header, and the data after it.
 *
 * @param headerLength the header's length in bytes (the file's first 8 bytes, little-endian)
 * @param header the JSON header
 * @param data the bytes after the header, little-endian
 */
public record SafetensorsFile(long headerLength, JsonNode header, ByteBuffer data) {

  /** Parses {@code file}. */
  public static SafetensorsFile read(Path file) throws IOException {
    ByteBuffer all = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    long length = all.getLong(0);
    String json = new String(all.array(), Long.BYTES, Math.toIntExact(length), StandardCharsets.UTF_8);
    JsonNode header = new ObjectMapper().readTree(json);
    ByteBuffer data = all.slice(Long.BYTES + Math.toIntExact(length), all.capacity() - Long.BYTES - Math.toIntExact(length))
        .order(ByteOrder.LITTLE_ENDIAN);
    return new SafetensorsFile(length, header, data);
  }

  /** Tensor {@code name}'s shape. */
  public int[] shape(String name) {
    JsonNode s = header.get(name).get("shape");
    int[] shape = new int[s.size()];
    for (int i = 0; i < shape.length; i++) {
      shape[i] = s.get(i).asInt();
    }
    return shape;
  }

  /** Tensor {@code name}'s values, row-major, checked against its dtype and byte range. */
  public float[] values(String name) {
    JsonNode t = header.get(name);
    if (!t.get("dtype").asText().equals("F32")) {
      throw new IllegalStateException(name + " is " + t.get("dtype"));
    }
    int begin = t.get("data_offsets").get(0).asInt();
    int end = t.get("data_offsets").get(1).asInt();
    float[] v = new float[(end - begin) / Float.BYTES];
    for (int i = 0; i < v.length; i++) {
      v[i] = data.getFloat(begin + i * Float.BYTES);
    }
    return v;
  }

  /** The {@code __metadata__} value {@code key}. */
  public String metadata(String key) {
    return header.get("__metadata__").get(key).asText();
  }
}
