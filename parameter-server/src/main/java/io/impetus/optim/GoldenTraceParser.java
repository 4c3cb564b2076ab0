package io.impetus.optim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns trace JSON into a {@link GoldenTrace}. Every problem becomes an exception whose message
 * starts with the source name and says which field is wrong.
 */
final class GoldenTraceParser {

  // BigDecimal keeps the decimal text exact, so Float.parseFloat sees what numpy wrote and rounds
  // once to float32 (a detour through double could round twice). Python's json writes NaN and
  // Infinity bare when a run diverged; accept them.
  private static final JsonMapper MAPPER =
      JsonMapper.builder()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
          .build();

  private final String source;

  private GoldenTraceParser(String source) {
    this.source = source;
  }

  static GoldenTrace read(Path file) throws IOException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new NoSuchFileException(file.toString(), null, "golden trace not found");
    } catch (IOException e) {
      throw new IOException(file + ": cannot read golden trace: " + e, e);
    }
    return parse(new String(bytes, StandardCharsets.UTF_8), file.toString());
  }

  static GoldenTrace parse(String json, String source) {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(source + ": not valid JSON: " + e.getOriginalMessage()
          + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr()
              + ", column " + e.getLocation().getColumnNr()), e);
    }
    return new GoldenTraceParser(source).trace(root);
  }

  private GoldenTrace trace(JsonNode root) {
    if (root == null || !root.isObject()) {
      throw problem("the top level must be a JSON object");
    }
    float[] init = floats(root, "init_params");
    float[][] grads = matrix(root, "grads");
    int n = root.has("n") ? integer(root, "n") : init.length;
    int steps = root.has("steps") ? integer(root, "steps") : grads.length;
    return new GoldenTrace(
        source,
        text(root, "name"),
        text(root, "optimizer"),
        hyperparameters(required(root, "hyperparameters")),
        root.has("lr_schedule") ? text(root, "lr_schedule") : "unspecified",
        doubles(root, "lr_per_step"),
        n,
        steps,
        init,
        grads,
        matrix(root, "params_after_step"));
  }

  private JsonNode required(JsonNode root, String field) {
    JsonNode node = root.get(field);
    if (node == null || node.isNull()) {
      throw problem("missing field '" + field + "'");
    }
    return node;
  }

  private String text(JsonNode root, String field) {
    JsonNode node = required(root, field);
    if (!node.isTextual()) {
      throw problem("'" + field + "' must be a string, got " + node);
    }
    return node.asText();
  }

  private int integer(JsonNode root, String field) {
    JsonNode node = required(root, field);
    if (!node.isIntegralNumber() || !node.canConvertToInt()) {
      throw problem("'" + field + "' must be an integer, got " + node);
    }
    return node.intValue();
  }

  private double[] doubles(JsonNode root, String field) {
    JsonNode array = array(required(root, field), field);
    double[] out = new double[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = number(array.get(i), field + "[" + i + "]").doubleValue();
    }
    return out;
  }

  /** A float32 vector, from {@code field + "_bits"} if present. */
  private float[] floats(JsonNode root, String field) {
    JsonNode bits = root.get(field + "_bits");
    return bits != null ? floatRow(bits, field + "_bits") : floatRow(required(root, field), field);
  }

  /** A float32 matrix (one row per step), from {@code field + "_bits"} if present. */
  private float[][] matrix(JsonNode root, String field) {
    JsonNode bits = root.get(field + "_bits");
    String where = bits != null ? field + "_bits" : field;
    JsonNode rows = array(bits != null ? bits : required(root, field), where);
    float[][] out = new float[rows.size()][];
    for (int t = 0; t < out.length; t++) {
      out[t] = floatRow(rows.get(t), where + "[" + t + "]");
    }
    return out;
  }

  private float[] floatRow(JsonNode node, String where) {
    JsonNode array = array(node, where);
    float[] out = new float[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = float32(array.get(i), where + "[" + i + "]");
    }
    return out;
  }

  /** A hex bit pattern ("0x3f800000") or a decimal number, parsed straight to float32. */
  private float float32(JsonNode node, String where) {
    if (node.isTextual()) {
      String hex = node.asText();
      if (!hex.startsWith("0x") || hex.length() < 3 || hex.length() > 10) {
        throw problem(where + " must be a float32 bit pattern like \"0x3f800000\", got " + node);
      }
      try {
        return Float.intBitsToFloat(Integer.parseUnsignedInt(hex.substring(2), 16));
      } catch (NumberFormatException e) {
        throw problem(where + " must be a float32 bit pattern like \"0x3f800000\", got " + node);
      }
    }
    // DecimalNode's text is the exact decimal that was written (NaN/Infinity come as DoubleNode).
    return Float.parseFloat(number(node, where).asText());
  }

  private JsonNode number(JsonNode node, String where) {
    if (node == null || !node.isNumber()) {
      throw problem(where + " must be a number, got " + node);
    }
    return node;
  }

  private JsonNode array(JsonNode node, String where) {
    if (node == null || !node.isArray()) {
      throw problem("'" + where + "' must be an array, got " + abbreviate(node));
    }
    return node;
  }

  private Map<String, Object> hyperparameters(JsonNode node) {
    if (!node.isObject()) {
      throw problem("'hyperparameters' must be an object, got " + abbreviate(node));
    }
    Map<String, Object> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> entry : node.properties()) {
      out.put(entry.getKey(), plain(entry.getValue()));
    }
    return out;
  }

  /** JSON as plain Java values; numbers become Double, as Python scalars are doubles. */
  private static Object plain(JsonNode node) {
    if (node.isNumber()) {
      return node.doubleValue();
    }
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    if (node.isTextual()) {
      return node.asText();
    }
    if (node.isArray()) {
      List<Object> list = new ArrayList<>();
      node.forEach(item -> list.add(plain(item)));
      return list;
    }
    if (node.isObject()) {
      Map<String, Object> map = new LinkedHashMap<>();
      node.properties().forEach(e -> map.put(e.getKey(), plain(e.getValue())));
      return map;
    }
    return null;
  }

  private static String abbreviate(JsonNode node) {
    String text = String.valueOf(node);
    return text.length() <= 60 ? text : text.substring(0, 57) + "...";
  }

  private IllegalArgumentException problem(String what) {
    return new IllegalArgumentException(source + ": " + what);
  }
}
