package io.impetus.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON without NaN or Infinity. JSON has no such numbers: Jackson writes them as the strings
 * {@code "NaN"} and {@code "Infinity"} (which a reader takes for text, or worse for 0), Python's json
 * writes them bare (which strict parsers reject). Every JSON file and line Impetus writes goes
 * through this class instead: a number that is not finite becomes {@code null}, and a neighbouring
 * field {@code <key>_note} says why, e.g. {@code "measured_rate": null, "measured_rate_note": "..."}.
 *
 * <p>Where the writer knows the reason it says so with {@link #put}; {@link #sanitize} catches the
 * rest with a generic note, and {@link #MAPPER} writes any non-finite number left (in a record, say)
 * as a bare {@code null}.
 */
public final class FiniteJson {
  /** Suffix of the field that explains a null number. */
  public static final String NOTE = "_note";

  /** Pretty-printed, and non-finite doubles and floats as null wherever they hide. */
  public static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
      .registerModule(new SimpleModule("finite-numbers")
          .addSerializer(Double.class, new NonFinite<>())
          .addSerializer(Double.TYPE, new NonFinite<>())
          .addSerializer(Float.class, new NonFinite<>())
          .addSerializer(Float.TYPE, new NonFinite<>()));

  private FiniteJson() {}

  /**
   * {@code map.put(key, value)} when {@code value} is finite; else {@code key: null} and
   * {@code key_note: whyNotFinite (NaN)}.
   */
  public static void put(Map<String, Object> map, String key, double value, String whyNotFinite) {
    if (Double.isFinite(value)) {
      map.put(key, value);
    } else {
      map.put(key, null);
      map.put(key + NOTE, note(value, whyNotFinite));
    }
  }

  /** A number as a JSON literal for hand-written JSON: {@code null} when not finite. */
  public static String literal(double value) {
    return Double.isFinite(value) ? Double.toString(value) : "null";
  }

  /** The generic note for a non-finite number whose writer gave no reason. */
  public static String genericNote(double value) {
    return "not a finite number (" + kind(value) + ")";
  }

  /** The note for a non-finite {@code value} whose writer knows why: {@code why (what it was)}. */
  public static String note(double value, String why) {
    return why + " (" + kind(value) + ")";
  }

  /** What a non-finite number was, in words (a note never spells NaN or Infinity, which readers grep for). */
  static String kind(double value) {
    return Double.isNaN(value) ? "not a number" : value > 0 ? "+infinite" : "-infinite";
  }

  /**
   * A copy of a tree of maps, lists and arrays in which every non-finite number is null; in a map, a
   * {@code key_note} field (unless the map has one) says what the number was. Other values are kept.
   */
  public static Object sanitize(Object tree) {
    if (tree instanceof Map<?, ?> map) {
      Map<String, Object> out = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        String key = String.valueOf(e.getKey());
        Object v = e.getValue();
        Double bad = nonFinite(v);
        if (bad != null) {
          out.put(key, null);
          if (!map.containsKey(key + NOTE)) {
            out.put(key + NOTE, genericNote(bad));
          }
        } else {
          out.put(key, sanitize(v));
        }
      }
      return out;
    }
    if (tree instanceof Iterable<?> list) {
      List<Object> out = new ArrayList<>();
      for (Object v : list) {
        out.add(nonFinite(v) != null ? null : sanitize(v));
      }
      return out;
    }
    if (tree instanceof double[] a) {
      List<Object> out = new ArrayList<>(a.length);
      for (double v : a) {
        out.add(Double.isFinite(v) ? (Object) v : null);
      }
      return out;
    }
    if (tree instanceof float[] a) {
      List<Object> out = new ArrayList<>(a.length);
      for (float v : a) {
        out.add(Float.isFinite(v) ? (Object) v : null);
      }
      return out;
    }
    if (tree instanceof Object[] a) {
      return sanitize(java.util.Arrays.asList(a));
    }
    return tree;
  }

  /** {@code tree}, sanitized, as pretty-printed JSON. */
  public static String write(Object tree) {
    try {
      return MAPPER.writeValueAsString(sanitize(tree));
    } catch (IOException e) {
      throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
    }
  }

  /** {@code tree}, sanitized, as pretty-printed JSON in {@code file}. */
  public static void write(Path file, Object tree) throws IOException {
    MAPPER.writeValue(file.toFile(), sanitize(tree));
  }

  private static Double nonFinite(Object v) {
    if (v instanceof Double d && !Double.isFinite(d)) {
      return d;
    }
    if (v instanceof Float f && !Float.isFinite(f)) {
      return f.doubleValue();
    }
    return null;
  }

  /** Writes a double or float, or null when it is not finite. */
  private static final class NonFinite<T extends Number> extends JsonSerializer<T> {
    @Override
    public void serialize(T value, JsonGenerator gen, SerializerProvider provider) throws IOException {
      if (value instanceof Float f) {
        if (Float.isFinite(f)) {
          gen.writeNumber(f);
        } else {
          gen.writeNull();
        }
      } else if (Double.isFinite(value.doubleValue())) {
        gen.writeNumber(value.doubleValue());
      } else {
        gen.writeNull();
      }
    }
  }
}
