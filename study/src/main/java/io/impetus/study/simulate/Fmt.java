package io.impetus.study.simulate;

import java.util.Locale;

/** Number formatting shared by tables, labels and CSV files: shortest form that reads well, no locale. */
public final class Fmt {
  private Fmt() {}

  /** Up to 6 significant digits, no trailing zeros, e.g. 0.9, 1e-05, 12. */
  public static String num(double v) {
    if (Double.isNaN(v)) {
      return "nan";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "inf" : "-inf";
    }
    if (v == Math.rint(v) && Math.abs(v) < 1e9) {
      return Long.toString((long) v);
    }
    String s = String.format(Locale.ROOT, "%.6g", v);
    if (s.contains("e")) {
      String[] parts = s.split("e");
      return strip(parts[0]) + "e" + Integer.parseInt(parts[1]);
    }
    return strip(s);
  }

  /** Fixed {@code digits} decimals. */
  public static String fixed(double v, int digits) {
    return String.format(Locale.ROOT, "%." + digits + "f", v);
  }

  private static String strip(String s) {
    if (!s.contains(".")) {
      return s;
    }
    s = s.replaceAll("0+$", "");
    return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
  }
}
